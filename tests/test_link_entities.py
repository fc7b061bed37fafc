"""Cross-document entities: one per person or organisation, surnames attached only when
unambiguous, two people who share a surname kept apart."""
from annalist.link.entities import EntityRow, fold, link_entities


def row(i, doc, name, typ="PERSON", country=None, role=None, aliases=()):
    return EntityRow(f"{doc}-e{i}", doc, name, typ, country, role, None, tuple(aliases), 1)


def by_name(globals_):
    return {g.name: g for g in globals_}


def test_same_full_name_in_two_documents_is_one_entity_with_all_aliases():
    g = by_name(link_entities([row(1, "a", "Daniyar Seitkali", country="KAZ", aliases=["Seitkali"]),
                               row(2, "b", "Daniyar Seitkali", country="KAZ", role="FOREIGN_MINISTER",
                                   aliases=["Kazakh Foreign Minister Daniyar Seitkali"])]))
    (ent,) = g.values()
    assert ent.doc_ids == ["a", "b"] and ent.role == "FOREIGN_MINISTER" and ent.mentions == 2
    assert ent.aliases == ["Kazakh Foreign Minister Daniyar Seitkali", "Seitkali"]


def test_a_surname_only_mention_joins_the_one_person_with_that_surname():
    g = link_entities([row(1, "a", "Daniyar Seitkali", country="KAZ"), row(2, "b", "Seitkali", country="KAZ")])
    assert [x.name for x in g] == ["Daniyar Seitkali"] and g[0].doc_ids == ["a", "b"]


def test_two_people_sharing_a_surname_stay_apart_and_the_bare_surname_is_not_guessed():
    g = by_name(link_entities([row(1, "a", "Aida Seitkali", country="KAZ"), row(2, "b", "Daniyar Seitkali", country="KAZ"),
                               row(3, "c", "Seitkali", country="KAZ")]))
    assert sorted(g) == ["Aida Seitkali", "Daniyar Seitkali", "Seitkali"]


def test_countries_must_agree_for_a_surname_to_attach():
    g = by_name(link_entities([row(1, "a", "Li Wei", country="CHN"), row(2, "b", "Wei", country="SGP")]))
    assert sorted(g) == ["Li Wei", "Wei"]


def test_an_acronym_joins_the_organisation_that_uses_it_as_an_alias():
    g = link_entities([row(1, "a", "China National Nuclear Corporation", "ORG", "CHN", "BUS", aliases=["CNNC"]),
                       row(2, "b", "CNNC", "ORG", "CHN", "BUS")])
    assert [x.name for x in g] == ["China National Nuclear Corporation"] and g[0].doc_ids == ["a", "b"]


def test_ids_are_stable_and_names_fold_accents():
    assert fold("Recep Tayyip Erdoğan") == "recep tayyip erdogan"
    first = link_entities([row(1, "a", "Emre Doğan")])[0].id
    assert link_entities([row(9, "z", "Emre Dogan"), row(1, "a", "Emre Doğan")])[0].id == first
