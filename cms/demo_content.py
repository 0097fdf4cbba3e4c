"""The marketing pages `bootstrap_demo` adds to a laptop's site, in English and Dutch.

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
