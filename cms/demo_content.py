"""The marketing pages and the blog `bootstrap_demo` adds to a laptop's site, in English and
Dutch.

Every statement here is true of the product (see the README); there are no invented customer
quotes, so the demo has no social proof section.
"""

FEATURES_EN = [
    {
        "title": "Crawls like a search engine",
        "text": "Breadth-first through your site, obeying robots.txt, reading your sitemaps.",
    },
    {
        "title": "70 checks that matter",
        "text": "Lighthouse's SEO audits and SEOnaut's critical checks, on every page.",
    },
    {
        "title": "What to fix first",
        "text": "Scores per category and a ranked list of fixes, with how to fix each.",
    },
    {
        "title": "Reports you can share",
        "text": "PDF and CSV downloads, history and comparison between audits.",
    },
]
FEATURES_NL = [
    {
        "title": "Doorzoekt je site als een zoekmachine",
        "text": "Laag voor laag door je site, met respect voor robots.txt en je sitemaps.",
    },
    {
        "title": "70 controles die ertoe doen",
        "text": "De SEO-audits van Lighthouse en de kritieke controles van SEOnaut, "
        "op elke pagina.",
    },
    {
        "title": "Wat je het eerst oplost",
        "text": "Scores per categorie en een geordende lijst met oplossingen, elk met uitleg.",
    },
    {
        "title": "Rapporten om te delen",
        "text": "Downloads als PDF en CSV, geschiedenis en vergelijkingen tussen audits.",
    },
]

QUESTIONS_EN = [
    {
        "question": "Do I need a credit card to start?",
        "answer": "<p>No. The free plan gives you 5 audits a month of one website, up to 100 "
        "pages each, with only an email address.</p>",
    },
    {
        "question": "Which languages do the reports speak?",
        "answer": "<p>English and Dutch: the dashboard, the reports and the PDFs.</p>",
    },
    {
        "question": "Does the crawler respect my robots.txt?",
        "answer": "<p>Yes. VivaSEOBot obeys robots.txt and waits between requests.</p>",
    },
    {
        "question": "Can it audit sites built with JavaScript?",
        "answer": "<p>Yes, on the Standard and Premium plans: pages are then rendered in a "
        "real browser before they are checked.</p>",
    },
]
QUESTIONS_NL = [
    {
        "question": "Heb ik een creditcard nodig om te beginnen?",
        "answer": "<p>Nee. Met het gratis abonnement doe je 5 audits per maand van één "
        "website, tot 100 pagina's per audit, met alleen een e-mailadres.</p>",
    },
    {
        "question": "In welke talen zijn de rapporten?",
        "answer": "<p>Engels en Nederlands: het dashboard, de rapporten en de PDF's.</p>",
    },
    {
        "question": "Respecteert de crawler mijn robots.txt?",
        "answer": "<p>Ja. VivaSEOBot volgt robots.txt en wacht tussen verzoeken.</p>",
    },
    {
        "question": "Kan het sites controleren die met JavaScript zijn gebouwd?",
        "answer": "<p>Ja, met het Standard- en Premium-abonnement: pagina's worden dan eerst "
        "in een echte browser weergegeven.</p>",
    },
]

CTA_EN = {
    "title": "See what search engines see",
    "text": "Your first audit takes a few minutes. No credit card needed.",
    "cta_label": "Run a free audit",
    "cta_target": "free_audit",
}
CTA_NL = {
    "title": "Zie wat zoekmachines zien",
    "text": "Je eerste audit duurt een paar minuten. Geen creditcard nodig.",
    "cta_label": "Doe een gratis audit",
    "cta_target": "free_audit",
}


def _stream(*blocks):
    return [{"type": block_type, "value": value} for block_type, value in blocks]


HOME_SECTIONS = {
    "en": _stream(
        (
            "feature_grid",
            {
                "heading": "Everything a search engine sees",
                "intro": "One crawl, one ranked list of fixes.",
                "features": FEATURES_EN,
            },
        ),
        ("faq", {"heading": "Questions", "items": QUESTIONS_EN[:2]}),
        ("cta_band", CTA_EN),
    ),
    "nl": _stream(
        (
            "feature_grid",
            {
                "heading": "Alles wat een zoekmachine ziet",
                "intro": "Eén crawl, één geordende lijst met oplossingen.",
                "features": FEATURES_NL,
            },
        ),
        ("faq", {"heading": "Vragen", "items": QUESTIONS_NL[:2]}),
        ("cta_band", CTA_NL),
    ),
}

# Page type (a model name in cms), slug, and its fields per language.
PAGES = [
    (
        "FeaturesPage",
        "features",
        {
            "en": {
                "title": "Features",
                "intro": "What VivaSEO checks, and how it tells you.",
                "sections": _stream(
                    (
                        "feature_grid",
                        {"heading": "From crawl to report", "intro": "", "features": FEATURES_EN},
                    ),
                    ("cta_band", CTA_EN),
                ),
            },
            "nl": {
                "title": "Functies",
                "intro": "Wat VivaSEO controleert, en hoe het je dat vertelt.",
                "sections": _stream(
                    (
                        "feature_grid",
                        {"heading": "Van crawl tot rapport", "intro": "", "features": FEATURES_NL},
                    ),
                    ("cta_band", CTA_NL),
                ),
            },
        },
    ),
    (
        "PricingPage",
        "pricing",
        {
            "en": {
                "title": "Pricing",
                "intro": "Start free. Upgrade when your site grows.",
                "body": _stream(("faq", {"heading": "About paying", "items": QUESTIONS_EN[:1]})),
            },
            "nl": {
                "title": "Prijzen",
                "intro": "Begin gratis. Upgrade wanneer je site groeit.",
                "body": _stream(("faq", {"heading": "Over betalen", "items": QUESTIONS_NL[:1]})),
            },
        },
    ),
    (
        "FAQPage",
        "faq",
        {
            "en": {
                "title": "Frequently asked questions",
                "intro": "Short answers to what people ask us most.",
                "questions": _stream(*(("question", item) for item in QUESTIONS_EN)),
            },
            "nl": {
                "title": "Veelgestelde vragen",
                "intro": "Korte antwoorden op wat mensen ons het vaakst vragen.",
                "questions": _stream(*(("question", item) for item in QUESTIONS_NL)),
            },
        },
    ),
    (
        "StandardPage",
        "about",
        {
            "en": {
                "title": "About VivaSEO",
                "intro": "SEO audits for websites that want to be found.",
                "body": _stream(
                    (
                        "rich_text",
                        "<p>VivaSEO crawls a website the way a search engine does and tells "
                        "its owner, in English or Dutch, what keeps it out of search results "
                        "and what to fix first.</p>",
                    ),
                ),
            },
            "nl": {
                "title": "Over VivaSEO",
                "intro": "SEO-audits voor websites die gevonden willen worden.",
                "body": _stream(
                    (
                        "rich_text",
                        "<p>VivaSEO doorzoekt een website zoals een zoekmachine dat doet en "
                        "vertelt de eigenaar, in het Nederlands of Engels, wat de site uit de "
                        "zoekresultaten houdt en wat je het eerst oplost.</p>",
                    ),
                ),
            },
        },
    ),
]


# The demo blog: its index, the author, and posts about SEO and VivaSEO in both languages.
# Each post's cover is drawn at runtime (cms.demo_images) from its colours and motif.

BLOG_INDEX = {
    "en": {
        "title": "Blog",
        "intro": "Practical SEO, one problem at a time, and what is new in VivaSEO.",
    },
    "nl": {
        "title": "Blog",
        "intro": "Praktische SEO, één probleem per keer, en wat er nieuw is in VivaSEO.",
    },
}

BLOG_AUTHOR = {
    "en": {"name": "The VivaSEO team", "role": "Product and engineering"},
    "nl": {"name": "Het VivaSEO-team", "role": "Product en techniek"},
}

ROBOTS_TXT_EXAMPLE = """User-agent: *
Disallow: /app/
Disallow: /search

Sitemap: https://www.example.com/sitemap.xml"""

CANONICAL_EXAMPLE = """<!-- On https://www.example.com/shoes?colour=red -->
<link rel="canonical" href="https://www.example.com/shoes">"""

# Slug, date, cover (motif, background, accent), and per language: fields and tag names.
BLOG_POSTS = [
    {
        "slug": "how-vivaseo-crawls-your-site",
        "date": "2026-03-10",
        "cover": ("crawl", "#0f766e", "#99f6e4"),
        "en": {
            "title": "How VivaSEO crawls your site",
            "intro": "A search engine can only rank what it can reach. Here is how our "
            "crawler walks your site, and why it does it the way search engines do.",
            "cover_alt_text": "Linked pages drawn as connected circles, level by level.",
            "tags": ["Crawling", "VivaSEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Every audit starts at the address you give us. VivaSEOBot reads that "
                    "page, collects its links and visits them level by level: first every "
                    "page one click away from the start, then every page two clicks away, "
                    "and so on. This breadth-first walk finds the pages your visitors find "
                    "first, which are usually the ones that matter most.</p>"
                    "<h2>Robots.txt comes first</h2>"
                    "<p>Before it asks for a single page, the crawler reads your robots.txt "
                    "and obeys it. A page you disallow is not visited, and the report tells "
                    "you it was skipped, so a rule that blocks too much shows up instead of "
                    "hiding quietly.</p>"
                    "<h2>Sitemaps fill the gaps</h2>"
                    "<p>Pages nothing links to are hard to find for any crawler. VivaSEO "
                    "also reads the sitemaps your robots.txt lists and adds their pages to "
                    "the walk. A page that is in your sitemap but never linked from your "
                    "site is worth a second look: search engines may treat it as less "
                    "important.</p>",
                ),
                (
                    "quote",
                    {
                        "quote": "If a crawler cannot reach a page, no amount of good "
                        "content on it will help.",
                        "attribution": "",
                    },
                ),
                (
                    "rich_text",
                    "<h2>Polite by default</h2>"
                    "<p>The crawler waits between requests, so an audit never feels like a "
                    "traffic spike to your server. On the Standard and Premium plans it can "
                    "also render pages in a real browser first, for sites that build their "
                    "content with JavaScript.</p>",
                ),
            ),
        },
        "nl": {
            "title": "Hoe VivaSEO je site doorzoekt",
            "intro": "Een zoekmachine kan alleen ranken wat hij kan bereiken. Zo loopt onze "
            "crawler door je site, en daarom doet hij dat zoals zoekmachines het doen.",
            "cover_alt_text": "Gelinkte pagina's als verbonden cirkels, laag voor laag.",
            "tags": ["Crawlen", "VivaSEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Elke audit begint bij het adres dat je ons geeft. VivaSEOBot leest die "
                    "pagina, verzamelt de links en bezoekt ze laag voor laag: eerst elke "
                    "pagina op één klik van het begin, dan elke pagina op twee klikken, "
                    "enzovoort. Zo vindt de crawler eerst de pagina's die je bezoekers ook "
                    "als eerste vinden, en dat zijn meestal de belangrijkste.</p>"
                    "<h2>Eerst robots.txt</h2>"
                    "<p>Voordat hij ook maar één pagina opvraagt, leest de crawler je "
                    "robots.txt en volgt die. Een pagina die je uitsluit wordt niet bezocht, "
                    "en het rapport vertelt je dat hij is overgeslagen. Zo valt een regel "
                    "die te veel blokkeert op, in plaats van stilletjes schade te doen.</p>"
                    "<h2>Sitemaps vullen de gaten</h2>"
                    "<p>Pagina's waar niets naar linkt zijn voor elke crawler moeilijk te "
                    "vinden. VivaSEO leest ook de sitemaps uit je robots.txt en neemt hun "
                    "pagina's mee. Staat een pagina wel in je sitemap maar linkt je site er "
                    "nergens naar? Kijk er dan nog eens naar: zoekmachines kunnen hem minder "
                    "belangrijk vinden.</p>",
                ),
                (
                    "quote",
                    {
                        "quote": "Als een crawler een pagina niet kan bereiken, helpt geen "
                        "enkele goede tekst erop.",
                        "attribution": "",
                    },
                ),
                (
                    "rich_text",
                    "<h2>Standaard beleefd</h2>"
                    "<p>De crawler wacht tussen verzoeken, zodat een audit voor je server "
                    "nooit als een piek in het verkeer voelt. Met het Standard- en "
                    "Premium-abonnement kan hij pagina's ook eerst in een echte browser "
                    "weergeven, voor sites die hun inhoud met JavaScript opbouwen.</p>",
                ),
            ),
        },
    },
    {
        "slug": "robots-txt-mistakes",
        "date": "2026-04-14",
        "cover": ("blocks", "#1e3a8a", "#93c5fd"),
        "en": {
            "title": "Four robots.txt mistakes that hide your pages",
            "intro": "One line in robots.txt can keep a whole section of your site out of "
            "search results. These are the mistakes we see most, and how to fix them.",
            "cover_alt_text": "A grid of blocks with a few of them crossed out.",
            "tags": ["robots.txt", "Technical SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<h2>1. Blocking the whole site after a launch</h2>"
                    "<p>A staging site often says <code>Disallow: /</code> so it stays out "
                    "of search engines. When that file is copied to the live site, every "
                    "page disappears from results over the following weeks. Check your "
                    "robots.txt on the day you launch.</p>"
                    "<h2>2. Blocking CSS and JavaScript</h2>"
                    "<p>Search engines render pages to understand them. If your stylesheets "
                    "and scripts are disallowed, they see a broken page.</p>"
                    "<h2>3. Using robots.txt to remove a page</h2>"
                    "<p>Disallowing a page stops crawling, not indexing: a blocked page can "
                    "still appear in results, without a description. To keep a page out, "
                    "let it be crawled and give it a <code>noindex</code> robots meta tag.</p>"
                    "<h2>4. Forgetting the sitemap</h2>"
                    "<p>A <code>Sitemap:</code> line tells every crawler where your sitemap "
                    "lives. It costs one line:</p>",
                ),
                ("code", {"language": "robots", "code": ROBOTS_TXT_EXAMPLE}),
                (
                    "rich_text",
                    "<p>VivaSEO reads your robots.txt on every audit, reports the pages it "
                    "kept the crawler from and flags a robots.txt that cannot be parsed.</p>",
                ),
            ),
        },
        "nl": {
            "title": "Vier fouten in robots.txt die je pagina's verbergen",
            "intro": "Eén regel in robots.txt kan een heel deel van je site uit de "
            "zoekresultaten houden. Dit zijn de fouten die we het vaakst zien, en hoe je "
            "ze oplost.",
            "cover_alt_text": "Een raster van blokken, waarvan een paar doorgestreept.",
            "tags": ["robots.txt", "Technische SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<h2>1. De hele site blokkeren na de lancering</h2>"
                    "<p>Een testsite heeft vaak <code>Disallow: /</code>, zodat zoekmachines "
                    "hem overslaan. Wordt dat bestand naar de live site gekopieerd, dan "
                    "verdwijnt elke pagina in de weken daarna uit de resultaten. Controleer "
                    "je robots.txt op de dag van de lancering.</p>"
                    "<h2>2. CSS en JavaScript blokkeren</h2>"
                    "<p>Zoekmachines geven pagina's weer om ze te begrijpen. Zijn je "
                    "stylesheets en scripts uitgesloten, dan zien ze een kapotte pagina.</p>"
                    "<h2>3. Een pagina met robots.txt willen verwijderen</h2>"
                    "<p>Uitsluiten stopt het crawlen, niet het indexeren: een geblokkeerde "
                    "pagina kan nog steeds in de resultaten staan, zonder beschrijving. Wil "
                    "je een pagina eruit houden, laat hem dan crawlen en geef hem een "
                    "<code>noindex</code>-robots-metatag.</p>"
                    "<h2>4. De sitemap vergeten</h2>"
                    "<p>Een regel <code>Sitemap:</code> vertelt elke crawler waar je sitemap "
                    "staat. Het kost één regel:</p>",
                ),
                ("code", {"language": "robots", "code": ROBOTS_TXT_EXAMPLE}),
                (
                    "rich_text",
                    "<p>VivaSEO leest je robots.txt bij elke audit, meldt welke pagina's de "
                    "crawler niet mocht bezoeken en waarschuwt als robots.txt niet te lezen "
                    "is.</p>",
                ),
            ),
        },
    },
    {
        "slug": "titles-and-meta-descriptions",
        "date": "2026-05-19",
        "cover": ("lines", "#7c2d12", "#fdba74"),
        "en": {
            "title": "Titles and meta descriptions: what our checks look for",
            "intro": "Your title and description are the first thing people read in search "
            "results. A handful of checks make sure every page has good ones.",
            "cover_alt_text": "A search result drawn as a bold line above three thinner lines.",
            "tags": ["On-page SEO", "Technical SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Search engines show a page's title as the blue link and often its "
                    "meta description as the text below it. Both are written once and read "
                    "by everyone who searches, so they are worth getting right.</p>"
                    "<h2>Missing titles and descriptions</h2>"
                    "<p>A page without a <code>&lt;title&gt;</code> makes the search engine "
                    "guess one. Our audit lists every page that has none, and every page "
                    "whose meta description is missing or empty.</p>"
                    "<h2>Duplicates</h2>"
                    "<p>When ten pages share the title \u201cHome\u201d, searchers cannot "
                    "tell them apart, and neither can a search engine. The report groups "
                    "pages with the same title so you can give each its own.</p>"
                    "<h2>Length</h2>"
                    "<p>Long titles are cut off in results. Aim for a title that says what "
                    "the page is about in its first words, and a description of a sentence "
                    "or two that makes people want to click.</p>",
                ),
                (
                    "code",
                    {
                        "language": "html",
                        "code": "<title>Sourdough bread, baked daily \u00b7 Bakery Zon</title>\n"
                        '<meta name="description" content="Order before 10:00 and pick '
                        'up your loaf the same afternoon.">',
                    },
                ),
            ),
        },
        "nl": {
            "title": "Titels en metabeschrijvingen: waar onze controles op letten",
            "intro": "Je titel en beschrijving lezen mensen als eerste in de zoekresultaten. "
            "Een handvol controles zorgt dat elke pagina goede heeft.",
            "cover_alt_text": "Een zoekresultaat als een dikke lijn boven drie dunnere lijnen.",
            "tags": ["On-page SEO", "Technische SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Zoekmachines tonen de titel van een pagina als de blauwe link en vaak "
                    "de metabeschrijving als de tekst eronder. Je schrijft ze één keer en "
                    "iedereen die zoekt leest ze, dus het loont om ze goed te maken.</p>"
                    "<h2>Ontbrekende titels en beschrijvingen</h2>"
                    "<p>Heeft een pagina geen <code>&lt;title&gt;</code>, dan moet de "
                    "zoekmachine er een raden. Onze audit toont elke pagina zonder titel, en "
                    "elke pagina met een ontbrekende of lege metabeschrijving.</p>"
                    "<h2>Dubbele titels</h2>"
                    "<p>Hebben tien pagina's de titel \u201cHome\u201d, dan kan niemand ze "
                    "uit elkaar houden, ook een zoekmachine niet. Het rapport groepeert "
                    "pagina's met dezelfde titel, zodat je elk een eigen titel kunt geven.</p>"
                    "<h2>Lengte</h2>"
                    "<p>Lange titels worden in de resultaten afgekapt. Zeg in de eerste "
                    "woorden waar de pagina over gaat, en schrijf een beschrijving van een "
                    "zin of twee die mensen laat klikken.</p>",
                ),
                (
                    "code",
                    {
                        "language": "html",
                        "code": "<title>Zuurdesembrood, elke dag vers \u00b7 Bakkerij Zon</title>\n"
                        '<meta name="description" content="Bestel voor 10:00 en haal je '
                        'brood dezelfde middag op.">',
                    },
                ),
            ),
        },
    },
    {
        "slug": "broken-links",
        "date": "2026-07-01",
        "cover": ("links", "#581c87", "#d8b4fe"),
        "en": {
            "title": "Broken links: why they matter and how to find them",
            "intro": "A link that leads nowhere wastes your visitors' time and a crawler's "
            "attention. An audit finds every one of them in minutes.",
            "cover_alt_text": "Two chain links, one of them broken open.",
            "tags": ["Links", "Technical SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Pages move, products sell out, other sites close. Every time, a link "
                    "somewhere starts to answer with a 404. Visitors hit a dead end, and "
                    "search engines spend their visit on pages that do not exist.</p>"
                    "<h2>What the audit checks</h2>"
                    "<ul><li>Internal links that answer with an error.</li>"
                    "<li>Redirect chains: a link that bounces through several addresses "
                    "before it arrives.</li>"
                    "<li>Links without descriptive text, such as \u201cclick here\u201d.</li>"
                    "</ul>"
                    "<h2>How to fix them</h2>"
                    "<p>Update the link to point at the page's new address. When a page is "
                    "gone for good and has a close replacement, redirect the old address "
                    "there with a 301; otherwise let it answer 404 and remove the links.</p>",
                ),
                (
                    "quote",
                    {
                        "quote": "Fix the links on your most visited pages first: that is "
                        "where visitors and crawlers arrive.",
                        "attribution": "",
                    },
                ),
            ),
        },
        "nl": {
            "title": "Kapotte links: waarom ze ertoe doen en hoe je ze vindt",
            "intro": "Een link die nergens heen leidt, kost je bezoekers tijd en een crawler "
            "aandacht. Een audit vindt ze allemaal in een paar minuten.",
            "cover_alt_text": "Twee schakels van een ketting, waarvan één opengebroken.",
            "tags": ["Links", "Technische SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Pagina's verhuizen, producten raken uitverkocht, andere sites stoppen. "
                    "Elke keer geeft ergens een link een 404. Bezoekers lopen vast, en "
                    "zoekmachines besteden hun bezoek aan pagina's die niet bestaan.</p>"
                    "<h2>Wat de audit controleert</h2>"
                    "<ul><li>Interne links die een fout geven.</li>"
                    "<li>Doorverwijzingsketens: een link die via meerdere adressen stuitert "
                    "voordat hij aankomt.</li>"
                    "<li>Links zonder beschrijvende tekst, zoals \u201cklik hier\u201d.</li>"
                    "</ul>"
                    "<h2>Hoe je ze oplost</h2>"
                    "<p>Laat de link naar het nieuwe adres van de pagina wijzen. Is een "
                    "pagina voorgoed weg en is er een goede vervanger, verwijs het oude adres "
                    "dan met een 301 door; laat het anders een 404 geven en haal de links "
                    "weg.</p>",
                ),
                (
                    "quote",
                    {
                        "quote": "Los eerst de links op je meest bezochte pagina's op: daar "
                        "komen bezoekers en crawlers binnen.",
                        "attribution": "",
                    },
                ),
            ),
        },
    },
    {
        "slug": "canonical-urls",
        "date": "2026-09-08",
        "cover": ("canonical", "#134e4a", "#5eead4"),
        "en": {
            "title": "Canonical URLs in plain words",
            "intro": "When the same page answers at several addresses, tell search engines "
            "which one is the real one. That is all a canonical link does.",
            "cover_alt_text": "Three arrows pointing at one highlighted page.",
            "tags": ["Duplicate content", "Technical SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Filters, tracking parameters, a trailing slash, <code>http</code> "
                    "and <code>https</code>: one page can easily answer at a dozen "
                    "addresses. Search engines then pick one to show, and split the "
                    "signals between the others.</p>"
                    "<h2>One line in the head</h2>"
                    "<p>A canonical link names the address you want in search results. Put "
                    "it on every variant, including the canonical page itself:</p>",
                ),
                ("code", {"language": "html", "code": CANONICAL_EXAMPLE}),
                (
                    "rich_text",
                    "<h2>What can go wrong</h2>"
                    "<p>A canonical link that points at a page that redirects, answers with "
                    "an error or is blocked by robots.txt confuses more than it helps. So "
                    "does a relative or malformed address. VivaSEO checks that every "
                    "canonical link is valid and points at a page that can be indexed.</p>",
                ),
            ),
        },
        "nl": {
            "title": "Canonieke URL's in gewone woorden",
            "intro": "Antwoordt dezelfde pagina op meerdere adressen, vertel zoekmachines dan "
            "welke de echte is. Meer doet een canonieke link niet.",
            "cover_alt_text": "Drie pijlen die naar één uitgelichte pagina wijzen.",
            "tags": ["Dubbele inhoud", "Technische SEO"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Filters, trackingparameters, een slash aan het eind, <code>http</code> "
                    "en <code>https</code>: één pagina antwoordt al snel op een tiental "
                    "adressen. Zoekmachines kiezen er dan zelf een om te tonen, en verdelen "
                    "de signalen over de rest.</p>"
                    "<h2>Eén regel in de head</h2>"
                    "<p>Een canonieke link noemt het adres dat je in de zoekresultaten wilt. "
                    "Zet hem op elke variant, ook op de canonieke pagina zelf:</p>",
                ),
                ("code", {"language": "html", "code": CANONICAL_EXAMPLE}),
                (
                    "rich_text",
                    "<h2>Wat er mis kan gaan</h2>"
                    "<p>Een canonieke link naar een pagina die doorverwijst, een fout geeft "
                    "of door robots.txt wordt geblokkeerd, verwart meer dan hij helpt. Dat "
                    "geldt ook voor een relatief of onjuist adres. VivaSEO controleert of "
                    "elke canonieke link geldig is en naar een indexeerbare pagina wijst.</p>",
                ),
            ),
        },
    },
    {
        "slug": "reading-your-first-audit",
        "date": "2026-11-03",
        "cover": ("report", "#0f766e", "#fde68a"),
        "en": {
            "title": "Reading your first audit report",
            "intro": "Scores, categories and a list of fixes: a short tour of the report, "
            "and where to start when the list is long.",
            "cover_alt_text": "A report with a round score and bars per category.",
            "tags": ["VivaSEO", "Reports"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>When an audit finishes, the report opens with a score per category. "
                    "Each score weighs the checks in that category by how much they matter, "
                    "so one critical problem counts for more than many small ones.</p>"
                    "<h2>Start with what to fix first</h2>"
                    "<p>Below the scores is a ranked list of fixes. Each one says what went "
                    "wrong, on which pages, and how to fix it. Work from the top: the first "
                    "items usually affect the most pages or the most important ones.</p>"
                    "<h2>Share it and compare</h2>"
                    "<p>Download the report as a PDF for a colleague or a client, or as CSV "
                    "for a spreadsheet. After your fixes, run the audit again and compare "
                    "the two: the report shows what improved and what is new.</p>",
                ),
            ),
        },
        "nl": {
            "title": "Je eerste auditrapport lezen",
            "intro": "Scores, categorieën en een lijst met oplossingen: een korte rondleiding "
            "door het rapport, en waar je begint als de lijst lang is.",
            "cover_alt_text": "Een rapport met een ronde score en balken per categorie.",
            "tags": ["VivaSEO", "Rapporten"],
            "body": _stream(
                (
                    "rich_text",
                    "<p>Als een audit klaar is, begint het rapport met een score per "
                    "categorie. Elke score weegt de controles in die categorie naar hoe "
                    "zwaar ze wegen, dus één kritiek probleem telt meer dan veel kleine.</p>"
                    "<h2>Begin met wat je het eerst oplost</h2>"
                    "<p>Onder de scores staat een geordende lijst met oplossingen. Elke "
                    "oplossing zegt wat er mis is, op welke pagina's, en hoe je het oplost. "
                    "Werk van boven naar beneden: de eerste punten raken meestal de meeste "
                    "of de belangrijkste pagina's.</p>"
                    "<h2>Delen en vergelijken</h2>"
                    "<p>Download het rapport als PDF voor een collega of klant, of als CSV "
                    "voor een spreadsheet. Doe na je aanpassingen de audit opnieuw en "
                    "vergelijk de twee: het rapport toont wat beter is en wat nieuw is.</p>",
                ),
            ),
        },
    },
]

# The contact page: its own fields per language, and the one field it adds to the built-in
# name, email address, subject and message (cms.models.contact), labelled per language.
CONTACT_PAGE = {
    "en": {
        "title": "Contact",
        "intro": "A question about an audit, your plan or what VivaSEO can check? Write to us.",
        "body": (
            "<h2>What happens next</h2>"
            "<p>Your message opens a support ticket that the VivaSEO team reads. We answer "
            "by email, in English or Dutch.</p>"
            "<h2>Already a customer?</h2>"
            "<p>Sign in before you write: your question then appears under Support in your "
            "dashboard, beside your audits, and you can follow our answer there.</p>"
            "<h2>Quick answers</h2>"
            "<p>Plans, languages, robots.txt and JavaScript sites are covered in the "
            "frequently asked questions.</p>"
        ),
        "submit_label": "Send message",
        "thank_you_title": "Thanks, your message is on its way",
        "thank_you_text": (
            "<p>It reached the VivaSEO team as a support ticket. We will answer you by email "
            "at the address you gave.</p>"
        ),
        "extra_fields": [
            {
                "clean_name": "your_website",
                "label": "Your website",
                "help_text": "If your question is about a site, its address helps us look.",
                "field_type": "url",
                "required": False,
            }
        ],
    },
    "nl": {
        "title": "Contact",
        "intro": "Een vraag over een audit, je abonnement of wat VivaSEO kan controleren? "
        "Schrijf ons.",
        "body": (
            "<h2>Wat er daarna gebeurt</h2>"
            "<p>Je bericht opent een supportticket dat het VivaSEO-team leest. We antwoorden "
            "per e-mail, in het Nederlands of Engels.</p>"
            "<h2>Al klant?</h2>"
            "<p>Log in voordat je schrijft: je vraag staat dan onder Support in je dashboard, "
            "naast je audits, en daar volg je ons antwoord.</p>"
            "<h2>Snelle antwoorden</h2>"
            "<p>Abonnementen, talen, robots.txt en JavaScript-sites staan in de veelgestelde "
            "vragen.</p>"
        ),
        "submit_label": "Bericht versturen",
        "thank_you_title": "Bedankt, je bericht is onderweg",
        "thank_you_text": (
            "<p>Het is als supportticket bij het VivaSEO-team aangekomen. We antwoorden je "
            "per e-mail op het adres dat je gaf.</p>"
        ),
        "extra_fields": [
            {
                "clean_name": "your_website",
                "label": "Je website",
                "help_text": "Gaat je vraag over een site? Met het adres kunnen we meekijken.",
                "field_type": "url",
                "required": False,
            }
        ],
    },
}
