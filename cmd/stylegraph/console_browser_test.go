package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/stylegraph/stylegraph"
	"github.com/stylegraph/stylegraph/auth"
	"github.com/stylegraph/stylegraph/config"
	"github.com/stylegraph/stylegraph/graph"
	"github.com/stylegraph/stylegraph/internal/e2e"
	"github.com/stylegraph/stylegraph/internal/testenv"
)

// Hostile text the console must show as text: if either ran, window.__xss
// would be set (and the CSP would report a violation).
const (
	xssScript = `<script>window.__xss=1</script>`
	xssImg    = `"><img src=x onerror="window.__xss=1">`
)

// consoleFixture is the data the browser test works on, all under the test's
// own IDs and names.
type consoleFixture struct {
	shopper, author, merch, admin int64
	sneakers, boots, tee, scarf   int64
	brandA, brandB                int64
	brandAName, brandBName        string
	category                      string // the products' own top category
	token                         func(sub int64, role stylegraph.Role) string
}

// seedConsole writes users, brands, products (through the catalog API, so
// they are in the search index too), follows, engagements and a post with a
// hostile comment.
func seedConsole(t *testing.T, base string, d *deps) consoleFixture {
	t.Helper()
	ctx := context.Background()
	ids := testenv.IDBase(t)
	minter := auth.New(d.Cfg.JWTSecret, nil)
	f := consoleFixture{
		shopper: ids + 1, author: ids + 2, merch: ids + 10, admin: ids + 11,
		sneakers: ids + 101, boots: ids + 102, tee: ids + 103, scarf: ids + 104,
		brandAName: fmt.Sprintf("Ardent %d", ids), brandBName: fmt.Sprintf("Boreal %d", ids), category: fmt.Sprintf("Console %d", ids),
		token: func(sub int64, role stylegraph.Role) string {
			tok, err := minter.Mint(sub, role, 15*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		},
	}
	f.brandA, f.brandB = stylegraph.BrandID(f.brandAName), stylegraph.BrandID(f.brandBName)
	users := []stylegraph.User{{ID: f.shopper, Name: "Sam Shopper"}, {ID: f.author, Name: "Mina Author"}, {ID: f.merch, Name: "Max Merch"}, {ID: f.admin, Name: "Ada Admin"}}
	for i := int64(3); i <= 6; i++ {
		users = append(users, stylegraph.User{ID: ids + i, Name: fmt.Sprintf("Fan %d", i)})
	}
	users[4].Name = xssImg // a hostile display name
	if err := d.Graph.Catalog.UpsertUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	merch := f.token(f.merch, stylegraph.RoleMerchandiser)
	for _, p := range []struct {
		id           int64
		title, brand string
		category     string
		price        float64
	}{
		{f.sneakers, "Navy Canvas Sneakers", f.brandAName, "Casual Shoes", 59},
		{f.boots, "Black Leather Sneakers Boots", f.brandBName, "Casual Shoes", 129},
		{f.tee, xssScript + " Cotton Tee", f.brandAName, "Tshirts", 19},
		{f.scarf, xssImg + " Wool Scarf", f.brandBName, "Scarves", 29},
	} {
		body, _ := json.Marshal(map[string]any{"title": p.title, "brand": p.brand, "price": p.price, "currency": "USD",
			"categoryPath": []string{f.category, "Footwear", p.category}, "color": "Navy", "gender": "Unisex",
			"tags": []string{"console-test"}, "images": []string{"https://img.example.com/p.jpg"}})
		if code, b := call(t, http.MethodPut, fmt.Sprintf("%s/v1/products/%d", base, p.id), merch, string(body)); code != 200 {
			t.Fatalf("PUT product %d = %d %s", p.id, code, b)
		}
	}
	now := time.Now().UTC()
	var follows, brandFollows []graph.Follow
	follows = append(follows, graph.Follow{From: f.shopper, To: f.author, At: now})
	var es []graph.Engagement
	for i := int64(3); i <= 6; i++ {
		u := ids + i
		follows = append(follows, graph.Follow{From: u, To: f.author, At: now})
		brandFollows = append(brandFollows, graph.Follow{From: u, To: f.brandA, At: now}, graph.Follow{From: u, To: f.brandB, At: now})
		for _, p := range []int64{f.sneakers, f.boots} {
			es = append(es,
				graph.Engagement{UserID: u, ProductID: p, Kind: graph.EngageView, At: now.Add(-2 * time.Hour), Count: 2},
				graph.Engagement{UserID: u, ProductID: p, Kind: graph.EngageLike, At: now.Add(-time.Hour)},
				graph.Engagement{UserID: u, ProductID: p, Kind: graph.EngagePurchase, At: now.Add(-time.Hour), Count: 1})
		}
	}
	// The author likes the tee: a social recommendation for the shopper.
	es = append(es, graph.Engagement{UserID: f.author, ProductID: f.tee, Kind: graph.EngageLike, At: now.Add(-time.Hour)})
	if err := d.Graph.Seed.FollowUsers(ctx, follows); err != nil {
		t.Fatal(err)
	}
	if err := d.Graph.Seed.FollowBrands(ctx, brandFollows); err != nil {
		t.Fatal(err)
	}
	if err := d.Graph.Seed.LoadEngagements(ctx, es); err != nil {
		t.Fatal(err)
	}
	var first stylegraph.Feed
	body := fmt.Sprintf(`{"title": "Weekend look", "text": "canvas all day", "images": [{"imageURL": "https://img.example.com/look.jpg", "caption": "look"}], "productIds": [%d]}`, f.sneakers)
	if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", bearer(f.token(f.author, stylegraph.RoleShopper)), body, &first); code != 201 {
		t.Fatalf("POST /v1/posts = %d", code)
	}
	if code, b := call(t, http.MethodPost, fmt.Sprintf("%s/v1/posts/%d/comments", base, first.Post.ID), f.token(ids+3, stylegraph.RoleShopper),
		fmt.Sprintf(`{"text": %q}`, xssScript+xssImg)); code != 201 {
		t.Fatalf("POST comment = %d %s", code, b)
	}
	return f
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// newBrowser starts headless Chromium (Debian's package; `make test`
// installs it with scripts/chromium.sh) with a fresh profile and no network
// beyond this machine.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run scripts/chromium.sh (make test does)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Catalog images point at CDNs that are out of reach: fail them at once.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// tab opens a new tab (its own sessionStorage) that records CSP violations
// in window.__csp, bounded by timeout.
func tab(t *testing.T, browser context.Context, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancel() })
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
// Observes (does not change) the page's requests: which were sent, and
// which the page aborted before they were answered.
window.__requested = []; window.__aborted = [];
const realFetch = window.fetch;
window.fetch = function (input, init) {
  const url = String(input);
  let answered = false;
  window.__requested.push(url);
  if (init && init.signal) init.signal.addEventListener('abort', () => { if (!answered) window.__aborted.push(url); });
  const res = realFetch.apply(this, arguments);
  res.then(() => { answered = true; }, () => {});
  return res;
};`,
		})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// screenshotDir is where the screens are written: $CONSOLE_SCREENSHOTS, or a
// folder under the system temp dir, named in the test log.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CONSOLE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "stylegraph-console-screens")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("console screenshots in %s", dir)
	return dir
}

func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	shotOf(t, ctx, dir, name, chromedp.CaptureScreenshot())
}

// shotFull captures the whole page, for screens taller than the window.
func shotFull(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	shotOf(t, ctx, dir, name, chromedp.FullScreenshot(100)) // 100: a PNG
}

func shotOf(t *testing.T, ctx context.Context, dir, name string, capture chromedp.Action[[]byte]) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("window.scrollTo(0, 0)")); err != nil {
		t.Fatal(err)
	}
	buf, err := chromedp.Run(ctx, capture)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// step runs browser actions and fails the test with step named on error.
func step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		body, _ := chromedp.Run(dctx, chromedp.Evaluate[string]("document.querySelector('main').innerText"))
		t.Fatalf("%s: %v\npage: %.1500s", name, err, body)
	}
}

// text returns the text of the first element sel matches.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitJS polls a JavaScript expression until it is true (bounded by the
// tab's deadline).
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0))(ctx, tg)
		return chromedp.Void{}, err
	})
}

// signInDev signs in through the console's dev form.
func signInDev(base string, uid int64, role stylegraph.Role) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#dev-signin")),
		chromedp.SetValue(chromedp.CSS(`#dev-signin input[name="userId"]`), fmt.Sprint(uid)),
		chromedp.SetValue(chromedp.CSS(`#dev-signin select[name="role"]`), string(role)),
		chromedp.Click(chromedp.CSS(`#dev-signin button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
}

// chartDrawn waits until a chart on the screen has drawn series with data
// and its canvas has painted pixels (not an empty canvas).
func chartDrawn() chromedp.Action[chromedp.Void] {
	return waitJS(`[...document.querySelectorAll('.chart')].some(el => {
  if (el.dataset.drawn !== 'true' || !(Number(el.dataset.points) > 0)) return false;
  const c = el.querySelector('canvas');
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < px.length; i += 16) if (px[i] > 0) painted++;
  return painted > 200;
})`)
}

// goHash moves the signed-in page to another screen (a same-document
// navigation, which chromedp.Navigate would wait on for a load event).
func goHash(hash string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf("location.hash = %q", hash))
}

// TestConsoleInBrowser drives the console in headless Chromium against the
// real server, worker and services: a shopper's screens, a merchandiser's,
// an admin's token sign-in and audit log, and hostile text everywhere.
func TestConsoleInBrowser(t *testing.T) {
	base, d := startServerWith(t, func(c *config.Config) {
		isolate(t)(c)
		// Trending reads every recent engagement in the shared graph; the
		// screens under test do not need it in the blend or the feed.
		c.Recs.FeedEvery = 0
		c.Recs.Weights = map[string]float64{"collaborative": 1, "social": 1, "interest": 0.2}
	})
	startWorker(t, d)
	f := seedConsole(t, base, d)
	dir := screenshotDir(t)
	browser := newBrowser(t)

	t.Run("shopper", func(t *testing.T) {
		// Bounded, but generous: the feed and recommendations read the shared
		// graph, which other test processes load too.
		ctx := tab(t, browser, 3*time.Minute)
		step(t, ctx, "sign in", signInDev(base, f.shopper, stylegraph.RoleShopper))

		// The feed: the followed author's post, with the hostile comment as text.
		step(t, ctx, "feed", chromedp.WaitVisible(chromedp.CSS("#feed .post")), waitJS(`document.querySelector('#live').dataset.live === 'true'`))
		comments := text(t, ctx, "#feed .comments")
		if !strings.Contains(comments, xssScript) || !strings.Contains(comments, xssImg) {
			t.Errorf("hostile comment not shown as text: %q", comments)
		}
		shot(t, ctx, dir, "shopper-feed")

		// Like a post and see the count go up.
		step(t, ctx, "like", chromedp.Click(chromedp.CSS("#feed .post button.like")),
			waitJS(`document.querySelector('#feed .post .like-count').textContent === '1' && document.querySelector('#feed .post button.like').getAttribute('aria-pressed') === 'true'`))

		// A new post by the followed author arrives live through the stream.
		var p stylegraph.Feed
		if code := e2e.Do(t, http.MethodPost, base+"/v1/posts", bearer(f.token(f.author, stylegraph.RoleShopper)), `{"title": "Fresh drop", "text": "just in"}`, &p); code != 201 {
			t.Fatalf("POST /v1/posts = %d", code)
		}
		step(t, ctx, "live post", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#post-%d.new", p.Post.ID))))
		shot(t, ctx, dir, "shopper-feed-live")

		// Search with a typo, see suggestions, apply a facet, open a product.
		step(t, ctx, "search", goHash("#/search"), chromedp.WaitVisible(chromedp.CSS("#q")),
			chromedp.SendKeys(chromedp.CSS("#q"), "Sne"),
			chromedp.WaitVisible(chromedp.CSS("#suggest li")),
			chromedp.SendKeys(chromedp.CSS("#q"), "ekers"),
			chromedp.Click(chromedp.CSS(`#search-form button[type="submit"]`)),
			waitJS(`document.querySelectorAll('#results .product').length === 2`))
		shot(t, ctx, dir, "shopper-search")
		step(t, ctx, "facet", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#facets fieldset[data-facet="brand"] input[value=%q]`, f.brandBName))),
			waitJS(fmt.Sprintf(`document.querySelectorAll('#results .product').length === 1 && document.querySelector('#results .product').dataset.id === '%d'`, f.boots)))
		step(t, ctx, "product page", chromedp.Click(chromedp.CSS("#results .product a")),
			chromedp.WaitVisible(chromedp.CSS("#product h1")), chromedp.WaitVisible(chromedp.CSS("#similar .product")))
		shot(t, ctx, dir, "shopper-product")

		// Hostile product titles in search results are text, too.
		step(t, ctx, "hostile search", goHash("#/search?q=scarf"),
			waitJS(`document.querySelectorAll('#results .product').length > 0 && document.querySelectorAll('#results mark').length > 0`))
		titles := text(t, ctx, "#results")
		if !strings.Contains(titles, `<img src=x onerror="window.__xss=1">`) {
			t.Errorf("hostile title not shown as text: %q", titles)
		}

		// Recommendations name the people behind a social reason.
		step(t, ctx, "recommendations", goHash("#/recommendations"),
			chromedp.WaitVisible(chromedp.CSS(`#recs .reason[data-kind="social"]`)))
		reasons := text(t, ctx, `#recs`)
		if !strings.Contains(reasons, "Mina Author") {
			t.Errorf("social reason does not name the followed author: %q", reasons)
		}
		shot(t, ctx, dir, "shopper-recommendations")

		// A merchandiser screen is refused by the server.
		step(t, ctx, "refused", goHash("#/insights/influencers"),
			chromedp.WaitVisible(chromedp.CSS("main .error")))
		refusal := text(t, ctx, "main .error")
		if !strings.Contains(refusal, "may not call") {
			t.Errorf("shopper on insights sees %q, want a refusal", refusal)
		}
		checkNoScriptRan(t, ctx)
	})

	t.Run("merchandiser", func(t *testing.T) {
		// A search with nothing found (besides the shopper's typo), counted by
		// the worker's statistics consumer; wait for it.
		zero := fmt.Sprintf("nothing%d", f.shopper)
		if code := get(t, base+"/v1/search?q="+zero, bearer(f.token(f.shopper, stylegraph.RoleShopper)), nil); code != 200 {
			t.Fatalf("search = %d", code)
		}
		waitSearches(t, base, f.token(f.merch, stylegraph.RoleMerchandiser), zero)
		// Generous: the insights scan the whole shared graph.
		ctx := tab(t, browser, 6*time.Minute)
		step(t, ctx, "sign in", signInDev(base, f.merch, stylegraph.RoleMerchandiser))
		// Influencers scans every follow in the shared graph: it goes last.
		screens := []struct{ name, hash string }{
			{"audience", fmt.Sprintf("audience?kind=brand&id=%d&window=30d", f.brandA)},
			{"bought-together", fmt.Sprintf("bought-together?product=%d", f.sneakers)},
			{"brand-overlap", fmt.Sprintf("brand-overlap?brands=%d,%d", f.brandA, f.brandB)},
			{"funnel", fmt.Sprintf("funnel?product=%d&window=30d", f.sneakers)},
			{"searches", "searches?window=7d&limit=100"},
			{"trending", "trending?window=24h&limit=10&category=" + url.QueryEscape(f.category)},
			{"influencers", "influencers?window=30d&limit=20"},
		}
		for _, s := range screens {
			step(t, ctx, s.name, goHash("#/insights/"+s.hash),
				waitJS(fmt.Sprintf(`document.querySelector('#insight') && document.querySelector('#insight').dataset.insight === %q`, s.name)),
				chartDrawn(), chromedp.WaitVisible(chromedp.CSS("#insight button.csv")))
			if s.name == "trending" {
				// The sparklines come from the server's series: eight slices
				// per row, the test's engagements in them.
				step(t, ctx, "trending sparklines", waitJS(`document.querySelector('#insight').dataset.sparklines === 'true' &&
  [...document.querySelectorAll('#insight .spark-slot')].some(s => s.dataset.points.split(' ').length === 8 &&
    s.dataset.points.split(' ').some(v => Number(v) > 0) && s.querySelectorAll('svg circle').length === 8)`))
			}
			shot(t, ctx, dir, "insights-"+s.name)
		}

		// Leaving a screen while it loads aborts its reads: the report held
		// at the network never answers, and the next screen draws without
		// an error from the one left.
		hold := func(pattern string) {
			t.Helper()
			err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				if pattern == "" {
					_, err := cdp.Call(ctx, tg, fetch.Disable, cdp.Empty{})
					return err
				}
				_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
				return err
			}))
			if err != nil {
				t.Fatal(err)
			}
		}
		hold("*/v1/admin/insights/bought-together*")
		step(t, ctx, "leave a loading screen", goHash(fmt.Sprintf("#/insights/bought-together?product=%d&limit=7", f.sneakers)),
			waitJS(`window.__requested.some(u => u.includes('/insights/bought-together') && u.includes('limit=7'))`),
			goHash(fmt.Sprintf("#/insights/funnel?product=%d&window=7d", f.sneakers)),
			waitJS(`document.querySelector('#insight') && document.querySelector('#insight').dataset.insight === 'funnel'`), chartDrawn())
		hold("")
		left, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__aborted.filter(u => u.includes('/insights/bought-together'))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 1 {
			t.Errorf("reads aborted on leaving bought-together: %q, want its one report", left)
		}
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main .error').length`)); n != 0 {
			t.Errorf("%d error boxes after leaving a loading screen", n)
		}

		// The explorer, two steps out from a product.
		step(t, ctx, "explorer", goHash(fmt.Sprintf("#/explorer?kind=product&id=%d", f.sneakers)),
			waitJS(`document.querySelector('#explorer-status').dataset.expanded === '1'`), chartDrawn(),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#explorer-nodes button.expand[data-ref="brand:%d"]`, f.brandA))),
			waitJS(`document.querySelector('#explorer-status').dataset.expanded === '2'`),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#explorer-nodes button.expand[data-ref="product:%d"]`, f.tee))),
			waitJS(`document.querySelector('#explorer-status').dataset.expanded === '3'`), chartDrawn())
		shot(t, ctx, dir, "explorer")

		// The shopper's preview: recommendations with reasons, feed, both searches.
		step(t, ctx, "preview", goHash(fmt.Sprintf("#/preview?userId=%d&q=sneakers", f.shopper)),
			chromedp.WaitVisible(chromedp.CSS(`#preview-recs .reason[data-kind="social"]`)),
			chromedp.WaitVisible(chromedp.CSS("#preview-feed .post")),
			chromedp.WaitVisible(chromedp.CSS("#preview-personalised li")),
			chromedp.WaitVisible(chromedp.CSS("#preview-unpersonalised li")))
		shotFull(t, ctx, dir, "preview")
		checkNoScriptRan(t, ctx)
	})

	t.Run("admin", func(t *testing.T) {
		// The identity provider's token is pasted, as in prod.
		ctx := tab(t, browser, time.Minute)
		step(t, ctx, "token sign-in", chromedp.Navigate(base+"/console/"), chromedp.WaitVisible(chromedp.CSS("#token-signin")),
			chromedp.SetValue(chromedp.CSS(`#token-signin textarea`), f.token(f.admin, stylegraph.RoleAdmin)),
			chromedp.Click(chromedp.CSS(`#token-signin button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("#signout")))
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(loc, "eyJ") {
			t.Errorf("the token is in the URL: %s", loc)
		}
		step(t, ctx, "audit", goHash(fmt.Sprintf("#/audit?userId=%d&action=insights", f.merch)),
			chromedp.WaitVisible(chromedp.CSS("#audit-table tbody tr")))
		rows := text(t, ctx, "#audit-table tbody")
		if !strings.Contains(rows, "/v1/admin/insights/funnel") || strings.Contains(rows, "/v1/admin/preview") {
			t.Errorf("audit filtered on the merchandiser's insight calls shows:\n%.800s", rows)
		}
		shot(t, ctx, dir, "audit")
		checkNoScriptRan(t, ctx)
	})
}

// checkNoScriptRan fails when hostile text ran as code or the page broke its
// Content-Security-Policy.
func checkNoScriptRan(t *testing.T, ctx context.Context) {
	t.Helper()
	type result struct {
		XSS     bool     `json:"xss"`
		CSP     []string `json:"csp"`
		OnError int      `json:"onerror"`
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[result](`({xss: !!window.__xss, csp: window.__csp || [], onerror: document.querySelectorAll('[onerror]').length})`))
	if err != nil {
		t.Fatalf("xss check: %v", err)
	}
	if res.XSS || res.OnError > 0 {
		t.Errorf("hostile text ran: __xss=%v, elements with onerror=%d", res.XSS, res.OnError)
	}
	if len(res.CSP) > 0 {
		t.Errorf("CSP violations: %v", res.CSP)
	}
}

// waitSearches waits until the worker has counted query as a zero-result search.
func waitSearches(t *testing.T, base, token, query string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var r struct {
			Rows []map[string]any `json:"rows"`
		}
		get(t, base+"/v1/admin/insights/searches?window=7d&limit=500", bearer(token), &r)
		for _, row := range r.Rows {
			if row["query"] == query && row["list"] == "zero_results" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the search was not counted within 90s")
		}
		time.Sleep(500 * time.Millisecond)
	}
}
