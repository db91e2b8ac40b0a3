package catalog

import "strings"

// articleCategories maps the article word(s) a Myntra product name ends
// with ("… Slim Fit Casual Shirt") to a category path in the vocabulary of
// styles.csv (masterCategory > subCategory > articleType), so that both
// catalogs share one category tree. Two-word endings are tried first.
var articleCategories = map[string][]string{
	"trolley bag": {"Accessories", "Bags", "Trolley Bag"}, "laptop bag": {"Accessories", "Bags", "Laptop Bag"},
	"duffel bag": {"Accessories", "Bags", "Duffel Bag"}, "sling bag": {"Accessories", "Bags", "Handbags"},
	"cushion covers": {"Home", "Home Furnishing", "Cushion Covers"}, "kurta set": {"Apparel", "Apparel Set", "Kurta Sets"},
	"shirt": {"Apparel", "Topwear", "Shirts"}, "t-shirt": {"Apparel", "Topwear", "Tshirts"}, "t-shirts": {"Apparel", "Topwear", "Tshirts"},
	"kurta": {"Apparel", "Topwear", "Kurtas"}, "top": {"Apparel", "Topwear", "Tops"}, "tunic": {"Apparel", "Topwear", "Tunics"},
	"jacket": {"Apparel", "Topwear", "Jackets"}, "sweatshirt": {"Apparel", "Topwear", "Sweatshirts"},
	"sweater": {"Apparel", "Topwear", "Sweaters"}, "cardigan": {"Apparel", "Topwear", "Sweaters"},
	"blazer": {"Apparel", "Topwear", "Blazers"}, "shrug": {"Apparel", "Topwear", "Shrug"}, "dupatta": {"Apparel", "Topwear", "Dupatta"},
	"jeans": {"Apparel", "Bottomwear", "Jeans"}, "trousers": {"Apparel", "Bottomwear", "Trousers"},
	"pants": {"Apparel", "Bottomwear", "Trousers"}, "chinos": {"Apparel", "Bottomwear", "Trousers"}, "cargos": {"Apparel", "Bottomwear", "Trousers"},
	"shorts": {"Apparel", "Bottomwear", "Shorts"}, "skirt": {"Apparel", "Bottomwear", "Skirts"},
	"leggings": {"Apparel", "Bottomwear", "Leggings"}, "jeggings": {"Apparel", "Bottomwear", "Jeggings"},
	"joggers": {"Apparel", "Bottomwear", "Track Pants"}, "palazzos": {"Apparel", "Bottomwear", "Palazzos"},
	"churidar": {"Apparel", "Bottomwear", "Churidar"}, "tights": {"Apparel", "Bottomwear", "Tights"},
	"culottes": {"Apparel", "Bottomwear", "Capris"},
	"dress":    {"Apparel", "Dress", "Dresses"}, "jumpsuit": {"Apparel", "Dress", "Jumpsuit"}, "playsuit": {"Apparel", "Dress", "Jumpsuit"},
	"saree": {"Apparel", "Saree", "Sarees"}, "suit": {"Apparel", "Apparel Set", "Suits"},
	"bra": {"Apparel", "Innerwear", "Bra"}, "bras": {"Apparel", "Innerwear", "Bra"},
	"pyjamas":  {"Apparel", "Loungewear and Nightwear", "Lounge Pants"},
	"sneakers": {"Footwear", "Shoes", "Casual Shoes"}, "shoes": {"Footwear", "Shoes", "Casual Shoes"},
	"slip-ons": {"Footwear", "Shoes", "Casual Shoes"}, "loafers": {"Footwear", "Shoes", "Casual Shoes"},
	"boots": {"Footwear", "Shoes", "Casual Shoes"}, "derbys": {"Footwear", "Shoes", "Formal Shoes"},
	"flats": {"Footwear", "Shoes", "Flats"}, "ballerinas": {"Footwear", "Shoes", "Flats"}, "mules": {"Footwear", "Shoes", "Flats"},
	"heels": {"Footwear", "Shoes", "Heels"}, "pumps": {"Footwear", "Shoes", "Heels"}, "wedges": {"Footwear", "Shoes", "Heels"},
	"sandals": {"Footwear", "Sandal", "Sandals"}, "flip-flops": {"Footwear", "Flip Flops", "Flip Flops"},
	"bag": {"Accessories", "Bags", "Handbags"}, "backpack": {"Accessories", "Bags", "Backpacks"},
	"wallet": {"Accessories", "Wallets", "Wallets"}, "belt": {"Accessories", "Belts", "Belts"},
	"watch": {"Accessories", "Watches", "Watches"}, "cufflinks": {"Accessories", "Cufflinks", "Cufflinks"},
	"socks": {"Accessories", "Socks", "Socks"}, "beanie": {"Accessories", "Headwear", "Caps"},
	"earrings": {"Accessories", "Jewellery", "Earrings"}, "studs": {"Accessories", "Jewellery", "Earrings"},
	"jhumkas": {"Accessories", "Jewellery", "Earrings"}, "necklace": {"Accessories", "Jewellery", "Necklace and Chains"},
	"ring": {"Accessories", "Jewellery", "Ring"}, "bracelet": {"Accessories", "Jewellery", "Bracelet"},
	"perfumes": {"Personal Care", "Fragrance", "Perfume and Body Mist"},
	"curtains": {"Home", "Home Furnishing", "Curtains"}, "curtain": {"Home", "Home Furnishing", "Curtains"},
	"carpet": {"Home", "Home Furnishing", "Carpets"}, "rug": {"Home", "Home Furnishing", "Carpets"},
	"mug": {"Home", "Kitchen", "Mugs"},
}

// categoryFromName returns the category of a product name's closing
// article word(s), or nil when it is not a known one.
func categoryFromName(name string) []string {
	words := strings.Fields(strings.ToLower(name))
	if n := len(words); n >= 2 {
		if c, ok := articleCategories[words[n-2]+" "+words[n-1]]; ok {
			return append([]string(nil), c...)
		}
	}
	if n := len(words); n >= 1 {
		if c, ok := articleCategories[words[n-1]]; ok {
			return append([]string(nil), c...)
		}
	}
	return nil
}
