from trainer.extensions import db
from trainer.referential.services import ReferenceLookup


def test_lookup_accepts_codes_labels_and_synonyms(app_ctx):
    lookup = ReferenceLookup(db.session)
    assert lookup.profession("nurse") == "nurse"
    assert lookup.profession("  INFIRMIÈRE ") == "nurse"
    assert lookup.profession("Éducatrice spécialisée") == "social_worker"
    assert lookup.profession("Assistante de service social") == "social_worker"
    assert lookup.profession("astronaute") is None
    assert lookup.session_type("Formation directe") == "direct_training"
    assert lookup.session_type("awareness") == "awareness"
    assert lookup.department("62") == "62"
    assert lookup.department("Pas-de-Calais") == "62"
    assert lookup.department("62 - Pas-de-Calais") == "62"
    assert lookup.department("3") == "03"
    assert lookup.department("2a") == "2A"
    assert lookup.department("99") is None
    assert lookup.referent_type("Urgences") == "emergency"
    assert lookup.region("Hauts-de-France") == "32"
