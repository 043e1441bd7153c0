"""Verbatims for the demo: what customers of a B2B analytics vendor say, and what its staff
predict they say, varied enough for themes to mean something (and for some to be missed)."""

from __future__ import annotations

# Topic → phrasings. Customers and staff overlap on some topics and not on others, on purpose:
# that mismatch is what the theme comparison is for.
CUSTOMER_DIFFERENTLY = {
    "delivery": [
        "Tell us earlier when a delivery date is going to slip.",
        "Warn us as soon as a delivery is late, not on the day it was due.",
        "Delivery dates slip and we hear about it last.",
        "Be honest about delivery dates; we plan our month around them.",
        "Give us a realistic delivery date instead of an optimistic one.",
    ],
    "value": [
        "Show us the savings in our numbers, not in a generic case study.",
        "Quantify the value you add to our business in our own figures.",
        "Prove the savings with our data; our CFO asks every quarter.",
        "Help us show the value of the platform to our finance team.",
    ],
    "decisions": [
        "Fewer status calls, more people who can actually decide things.",
        "Send people to meetings who can make decisions, not take notes.",
        "Too many status calls that end without a decision.",
        "Cut the weekly status calls and bring someone who can decide.",
    ],
    "operations": [
        "Involve our operations team, not only purchasing.",
        "Talk to the people in operations who use the product every day.",
        "Our operations team never hears from you; only purchasing does.",
    ],
    "continuity": [
        "Stop changing our account manager every year.",
        "We have had three account managers in two years; we start again each time.",
        "Keep the same account manager long enough to learn our business.",
    ],
    "invoices": [
        "Make the invoices readable: we cannot match them to the contract.",
        "Invoices are confusing and often wrong; fix the billing.",
        "Clearer invoices, please, with the contract line on each charge.",
    ],
    "planning": [
        "We would value a joint plan for next year instead of quarter-by-quarter deals.",
        "Plan the roadmap with us, a year ahead, not deal by deal.",
        "Sit down with us for a joint plan of the next twelve months.",
    ],
}
VENDOR_DIFFERENTLY = {
    "ideas": [
        "They would probably ask for more proactive ideas.",
        "Bring them new ideas before they ask for them.",
        "More proactive ideas about how to use our analytics.",
        "Be more innovative and proactive with ideas.",
    ],
    "training": [
        "Honestly they seem very happy; maybe more training.",
        "More training for their new users.",
        "Training sessions for their analysts would help.",
    ],
    "escalations": [
        "Faster answers on escalations, I think.",
        "Quicker escalations when something breaks.",
        "Escalations take too long to get answered.",
    ],
    "procurement": [
        "They would like us to understand their procurement rules better.",
        "Follow their procurement process more closely.",
    ],
    "value": [
        "Show them the value in their own numbers.",
        "Quantify the savings for their finance team.",
    ],
    "delivery": [
        "Keep delivery dates, probably.",
    ],
}
CUSTOMER_BEST = {
    "support": [
        "Support is quick and friendly.",
        "The support desk answers fast and knows the product.",
        "Friendly, quick support whenever we call.",
        "Your support team is excellent and responds quickly.",
    ],
    "reliability": [
        "The platform is reliable; it simply works.",
        "Reliable dashboards that our managers trust.",
        "The product is stable and reliable, which matters most to us.",
    ],
    "expertise": [
        "Your consultants know our industry well.",
        "Deep expertise in data modelling from the consultants.",
        "The consultants' expertise in analytics is the best we have worked with.",
    ],
}
VENDOR_BEST = {
    "innovation": [
        "Our innovation and new features.",
        "We bring the most innovative product on the market.",
        "New features every quarter; they love the innovation.",
    ],
    "support": [
        "Our support team is quick.",
        "Fast, friendly support.",
    ],
    "relationship": [
        "The personal relationship with their account manager.",
        "A close relationship with their executives.",
    ],
}
TEXTS = {("customer", "one_thing"): CUSTOMER_DIFFERENTLY,
         ("vendor", "one_thing"): VENDOR_DIFFERENTLY,
         ("customer", "best_thing"): CUSTOMER_BEST,
         ("vendor", "best_thing"): VENDOR_BEST}

# Some customer contacts answer in their own language (their response's language), on the same
# topics; the demo consultant's keywords carry the words of each language.
TRANSLATED = {
    ("customer", "one_thing"): {
        "de": ["Sagen Sie uns früher, wenn sich ein Liefertermin verschiebt.",
               "Die Rechnungen sind unverständlich und passen nicht zum Vertrag.",
               "Zeigen Sie die Einsparungen in unseren eigenen Zahlen."],
        "fr": ["Prévenez-nous plus tôt quand une date de livraison glisse.",
               "Les factures sont illisibles et ne correspondent pas au contrat.",
               "Montrez les économies dans nos propres chiffres."],
        "es": ["Avísennos antes cuando una fecha de entrega se retrasa.",
               "Las facturas son confusas y no coinciden con el contrato.",
               "Muestren el ahorro en nuestras propias cifras."],
    },
    ("customer", "best_thing"): {
        "de": ["Der Support ist schnell und freundlich."],
        "fr": ["Le support est rapide et aimable."],
        "es": ["El soporte es rápido y amable."],
    },
}
