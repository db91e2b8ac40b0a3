package recommend

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// A stored list is encoded compactly so that a request reads the few items
// it serves without parsing the rest (a list holds ~200 items, a page needs
// ~36): a fixed-size record per item (product ID, score, where its reasons
// end) ahead of the items' reasons, each still JSON and decoded only for
// the items served.
//
//	"SGL1" | computedAt int64 | n uint32 | n × (id int64, score float64, reasonsEnd uint32) | reasons
//
// Lists written before this format (JSON) are still read.
var listMagic = []byte("SGL1")

const (
	listHeader = 4 + 8 + 4
	listRecord = 8 + 8 + 4
)

// encodeList encodes a ranked list computed at at.
func encodeList(at time.Time, items []Ranked) ([]byte, error) {
	var reasons bytes.Buffer
	ends := make([]uint32, len(items))
	for i, r := range items {
		raw := r.rawReasons
		if r.Reasons != nil || raw == nil {
			b, err := json.Marshal(r.Reasons)
			if err != nil {
				return nil, fmt.Errorf("encode reasons of product %d: %w", r.ProductID, err)
			}
			raw = b
		}
		reasons.Write(raw)
		ends[i] = uint32(reasons.Len())
	}
	b := make([]byte, 0, listHeader+listRecord*len(items)+reasons.Len())
	b = append(b, listMagic...)
	b = binary.LittleEndian.AppendUint64(b, uint64(at.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(items)))
	for i, r := range items {
		b = binary.LittleEndian.AppendUint64(b, uint64(r.ProductID))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Score))
		b = binary.LittleEndian.AppendUint32(b, ends[i])
	}
	return append(b, reasons.Bytes()...), nil
}

// decodeCompact decodes the first n items (all when n ≤ 0) of a list in the
// compact format; their reasons stay encoded (Ranked.reasons decodes them).
// partial says items remain; ok is false when b is not such a list.
func decodeCompact(b []byte, n int) (items []Ranked, partial, ok bool) {
	if len(b) < listHeader || !bytes.HasPrefix(b, listMagic) {
		return nil, false, false
	}
	total := int(binary.LittleEndian.Uint32(b[12:16]))
	base := listHeader + listRecord*total
	if total < 0 || len(b) < base {
		return nil, false, false
	}
	k := total
	if n > 0 && n < total {
		k = n
	}
	items = make([]Ranked, k)
	start := uint32(0)
	for i := range k {
		rec := b[listHeader+listRecord*i:]
		end := binary.LittleEndian.Uint32(rec[16:20])
		if end < start || base+int(end) > len(b) {
			return nil, false, false
		}
		items[i] = Ranked{
			ProductID:  int64(binary.LittleEndian.Uint64(rec[0:8])),
			Score:      math.Float64frombits(binary.LittleEndian.Uint64(rec[8:16])),
			rawReasons: b[base+int(start) : base+int(end) : base+int(end)],
		}
		start = end
	}
	return items, k < total, true
}
