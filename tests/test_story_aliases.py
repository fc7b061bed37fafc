"""A story keeps its id while later coverage joins it; when its id does change (an earlier
article joins, stories merge), the old id redirects to the story now holding its documents."""
import pytest

from annalist import Options, build, open_store

ARTICLE = ("Title: Rail deal at Khorgos\nOutlet: {outlet}\nDate: {day}\n\n"
           "ASTANA — Kazakhstan and China signed a railway agreement on Tuesday, officials said, "
           "covering the Khorgos border crossing and two new container terminals along the route.\n\n"
           "The deal doubles the number of freight trains crossing the border each week by 2027.\n")
TODAY = "2026-11-23"


def _build(folder, db):
    build([str(folder)], Options(db=str(db), reference_date=TODAY, progress=False, workers=1))
    with open_store(db, read_only=True) as s:
        stories = s.con.execute("SELECT id, doc_ids FROM stories").fetchall()
        aliases = dict(s.con.execute("SELECT old_id, new_id FROM story_aliases").fetchall())
    return stories, aliases


@pytest.fixture
def moved(tmp_path):
    """A store whose one story changed id: an earlier report joined it in a second build."""
    inbox, db = tmp_path / "in", tmp_path / "s.duckdb"
    inbox.mkdir()
    (inbox / "later.txt").write_text(ARTICLE.format(outlet="Orda Daily", day="2025-03-05"))
    (first_story,), _ = _build(inbox, db)
    (inbox / "z-later.txt").write_text(ARTICLE.format(outlet="Caspian Wire", day="2025-03-06"))
    (grown,), aliases = _build(inbox, db)
    assert grown[0] == first_story[0] and len(grown[1]) == 2 and aliases == {}   # later coverage: same id
    (inbox / "earlier.txt").write_text(ARTICLE.format(outlet="Steppe Post", day="2025-03-04"))
    (now,), aliases = _build(inbox, db)
    assert now[0] != first_story[0] and len(now[1]) == 3
    assert aliases == {first_story[0]: now[0]}
    return db, first_story[0], now[0]


def test_a_former_story_id_redirects_in_the_api_and_the_pages(moved):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from annalist.web import create_app

    db, old, new = moved
    with TestClient(create_app(str(db))) as client:
        api = client.get(f"/api/stories/{old}", follow_redirects=False)
        assert api.status_code == 308 and api.headers["location"] == f"/api/stories/{new}"
        assert client.get(f"/api/stories/{old}").json()["id"] == new
        page = client.get(f"/stories/{old}", follow_redirects=False)
        assert page.status_code == 308 and page.headers["location"] == f"/stories/{new}"
        assert client.get("/api/stories/s0000000000000000").status_code == 404


def test_an_alias_follows_its_story_through_a_second_change(moved, tmp_path):
    db, old, new = moved
    inbox = tmp_path / "in"
    (inbox / "earliest.txt").write_text(ARTICLE.format(outlet="Nomad Times", day="2025-03-03"))
    (latest,), aliases = _build(inbox, db)
    assert aliases == {old: latest[0], new: latest[0]}
