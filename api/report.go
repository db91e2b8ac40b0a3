package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// report is an insight as a table: the first column labels the rows, numeric
// columns become chart series.
type report struct {
	Title   string
	Window  *window
	Columns []string
	Rows    [][]any
	Extra   map[string]any
}

type window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

type series struct {
	Name string `json:"name"`
	Data []any  `json:"data"`
}

// render answers with JSON shaped for charts, or CSV when the client asks.
func render(c *gin.Context, r report) {
	c.Set("auditRows", len(r.Rows))
	if strings.Contains(c.GetHeader("Accept"), "text/csv") {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", strings.ReplaceAll(r.Title, " ", "-")+".csv"))
		c.Status(http.StatusOK)
		w := csv.NewWriter(c.Writer)
		_ = w.Write(r.Columns)
		for _, row := range r.Rows {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = csvCell(v)
			}
			_ = w.Write(rec)
		}
		w.Flush()
		return
	}
	labels := make([]any, len(r.Rows))
	var ser []series
	for col := 1; col < len(r.Columns); col++ {
		// IDs are numbers but not measures: they stay in rows, out of charts.
		if name := r.Columns[col]; name == "id" || name == "a" || name == "b" || !numericColumn(r.Rows, col) {
			continue
		}
		sr := series{Name: r.Columns[col], Data: make([]any, len(r.Rows))}
		for i, row := range r.Rows {
			sr.Data[i] = row[col]
		}
		ser = append(ser, sr)
	}
	rows := make([]map[string]any, len(r.Rows))
	for i, row := range r.Rows {
		labels[i] = row[0]
		rows[i] = make(map[string]any, len(row))
		for j, v := range row {
			rows[i][r.Columns[j]] = v
		}
	}
	body := gin.H{"title": r.Title, "labels": labels, "series": ser, "rows": rows}
	if r.Window != nil {
		body["window"] = r.Window
	}
	for k, v := range r.Extra {
		body[k] = v
	}
	c.JSON(http.StatusOK, body)
}

func numericColumn(rows [][]any, col int) bool {
	for _, row := range rows {
		switch row[col].(type) {
		case int64, float64, int, nil:
		default:
			return false
		}
	}
	return true
}

// csvCell writes a value; text that a spreadsheet would run as a formula is
// prefixed with a quote (CSV injection).
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return defuseFormulas(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []float64: // a series, in one cell
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = strconv.FormatFloat(f, 'f', -1, 64)
		}
		return strings.Join(parts, " ")
	default:
		return fmt.Sprint(x)
	}
}

// defuseFormulas puts a ' before every character that would make a
// spreadsheet read a formula: =, +, -, @, tab or CR at the start of the cell
// or of any part a spreadsheet may split it into (after a , ; | tab or line
// break, and spaces). A spreadsheet that splits "a;=7+7" on ";" then reads
// "'=7+7", plain text; the JSON form keeps the value as it was.
func defuseFormulas(s string) string {
	var b strings.Builder
	start := true // at the start of the cell or of a part
	for _, r := range s {
		if start && strings.ContainsRune("=+-@\t\r", r) {
			b.WriteByte('\'')
		}
		switch {
		case strings.ContainsRune(",;|\t\n\r", r):
			start = true
		case r != ' ' && r != '\u00a0':
			start = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
