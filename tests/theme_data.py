"""Verbatims written for the theme tests, in English, German, French and Spanish, and a helper
that stores answers as submitted responses."""

from __future__ import annotations

from vocgap.extensions import db
from vocgap.models import Answer, Response, utcnow

# Three topics, each said several ways in four languages: late deliveries, slow support and
# prices. Words are shared across languages only where they really are (e.g. "Support").
CORPUS = {
    "en": {
        "delivery": ["Deliveries are late and nobody warns us about the delay.",
                     "The delivery dates slip every month.",
                     "Late deliveries again; tell us about delays earlier.",
                     "Delivery delays cost us a customer last year."],
        "support": ["Support takes days to answer our tickets.",
                    "The support hotline never answers quickly.",
                    "Our tickets wait too long for support."],
        "price": ["The price increase this year was far too high.",
                  "Prices keep rising without better service.",
                  "Your price is higher than every competitor's price."],
    },
    "de": {
        "delivery": ["Die Lieferungen kommen zu spät und niemand informiert uns.",
                     "Jede Lieferung hat Verspätung.",
                     "Lieferverzögerungen bitte früher melden, die Lieferung war wieder spät."],
        "support": ["Der Support braucht Tage für eine Antwort auf unsere Tickets.",
                    "Support-Tickets bleiben zu lange liegen."],
        "price": ["Die Preise sind viel zu hoch.",
                  "Die Preiserhöhung war nicht gerechtfertigt, der Preis ist zu hoch."],
    },
    "fr": {
        "delivery": ["Les livraisons arrivent en retard et personne ne nous prévient.",
                     "Chaque livraison a du retard.",
                     "Prévenez-nous plus tôt des retards de livraison."],
        "support": ["Le support met des jours à répondre à nos tickets.",
                    "Nos tickets attendent trop longtemps au support."],
        "price": ["Les prix sont beaucoup trop élevés.",
                  "L'augmentation des prix n'était pas justifiée."],
    },
    "es": {
        "delivery": ["Las entregas llegan tarde y nadie nos avisa del retraso.",
                     "Cada entrega llega con retraso.",
                     "Avísennos antes de los retrasos en la entrega."],
        "support": ["El soporte tarda días en responder a nuestros tickets.",
                    "Nuestros tickets esperan demasiado en soporte."],
        "price": ["Los precios son demasiado altos.",
                  "El aumento de precios no estaba justificado, el precio es alto."],
    },
}


def corpus_verbatims():
    """(Verbatim list, id → topic) over every language of ``CORPUS``, ids in a fixed order."""
    from vocgap.verbatims import Verbatim

    out, topics = [], {}
    next_id = 1
    for language in sorted(CORPUS):
        for topic in sorted(CORPUS[language]):
            for text in CORPUS[language][topic]:
                out.append(Verbatim(next_id, text, language))
                topics[next_id] = topic
                next_id += 1
    return out, topics


def submit_texts(wave, person, account, texts: dict[str, str]) -> Response:
    """A submitted response of ``person`` about ``account`` with these open-text answers."""
    response = Response(wave=wave, participant=person, account=account, status="submitted",
                        submitted_at=utcnow())
    for item_id, text in texts.items():
        response.answers.append(Answer(item_id=item_id, value_text=text))
    response.answers.append(Answer(item_id="trust_right_thing", value_num=3.0))
    db.session.add(response)
    db.session.commit()
    return response
