"""Tests for the gazetteer: loading, lookup, aliases and case rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.lexicon import load_lexicon
from agents.nlp.gazetteer import (
    WORD_RE,
    Gazetteer,
    GazetteerFileError,
    load_gazetteer,
    norm_key,
    read_user_entries,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_load_is_cached_and_large(gaz: Gazetteer) -> None:
    assert load_gazetteer() is gaz
    assert len(gaz) > 2500


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("U.S.", ("United States", "GPE")),
        ("US", ("United States", "GPE")),
        ("America", ("United States", "GPE")),
        ("Daesh", ("Islamic State", "ORG")),
        ("ISIL", ("Islamic State", "ORG")),
        ("IS", ("Islamic State", "ORG")),
        ("SDF", ("Syrian Democratic Forces", "ORG")),
        ("SDF's", ("Syrian Democratic Forces", "ORG")),
        ("YPG", ("People's Protection Units", "ORG")),
        ("People’s Protection Units", ("People's Protection Units", "ORG")),
        ("Al Hadath", ("Al-Hadath", "ORG")),
        ("al-Shabab", ("al-Shabaab", "ORG")),
        ("Kurds", ("Kurdish", "NORP")),
        ("Yazidis", ("Yazidi", "NORP")),
        ("Americans", ("American", "NORP")),
        ("Middle East", ("Middle East", "LOC")),
        ("Gaza Strip", ("Gaza Strip", "LOC")),
        ("Kiev", ("Kyiv", "GPE")),
        ("Deir ez-Zor", ("Deir el-Zour", "GPE")),
        ("Guinea Bissau", ("Guinea-Bissau", "GPE")),
        ("Pentagon", ("Pentagon", "ORG")),
        ("Associated Press", ("Associated Press", "ORG")),
        ("New York Times", ("The New York Times", "ORG")),
        ("Myanmar", ("Myanmar", "GPE")),
    ],
)
def test_lookup_known_names(gaz: Gazetteer, surface: str, expected: tuple[str, str]) -> None:
    assert gaz.lookup(surface) == expected


@pytest.mark.parametrize("surface", ["Is", "is", "Us", "us", "Ap", "Who", "who", "kurds", "iraq"])
def test_short_acronyms_and_lowercase_words_do_not_match(gaz: Gazetteer, surface: str) -> None:
    assert gaz.lookup(surface) is None


def test_aliases_of_canonical(gaz: Gazetteer) -> None:
    aliases = gaz.aliases("Islamic State")
    assert {"IS", "ISIS", "ISIL", "Daesh"} <= set(aliases)
    assert "Islamic State" not in aliases
    assert {"U.S.", "US", "America"} <= set(gaz.aliases("United States"))
    assert gaz.aliases("Nowhere Land") == ()


def test_match_finds_longest_name_over_tokens(gaz: Gazetteer) -> None:
    text = "officials of the Islamic State of Iraq and the Levant said"
    spans = [m.span() for m in WORD_RE.finditer(text)]
    i = next(k for k, (s, _) in enumerate(spans) if text[s:].startswith("Islamic"))
    end, canonical, etype = gaz.match(text, spans, i) or (0, "", "")
    assert text[spans[i][0] : end] == "Islamic State of Iraq and the Levant"
    assert (canonical, etype) == ("Islamic State", "ORG")


def test_match_drops_possessive(gaz: Gazetteer) -> None:
    text = "the SDF's advance"
    spans = [m.span() for m in WORD_RE.finditer(text)]
    hit = gaz.match(text, spans, 1)
    assert hit is not None and text[4 : hit[0]] == "SDF"


def test_norm_key_joins_spelling_variants() -> None:
    assert norm_key("al-Hadath") == norm_key("al Hadath") == "al Hadath"
    assert norm_key("People’s  Protection") == "People's Protection"


def test_word_tokens_keep_initialisms_and_split_hyphens() -> None:
    assert WORD_RE.findall("U.S.-backed IS-held SDF's") == ["U.S.", "backed", "IS", "held", "SDF's"]


def test_lexicon_lists_loaded(gaz: Gazetteer) -> None:
    lex = gaz.lexicon
    assert {"Mohammed", "John", "Vladimir"} <= lex.given_names
    assert "prime minister" in lex.titles and "gen." in lex.titles
    assert {"Ministry", "Group", "Party", "Front", "TV"} <= lex.org_words
    assert {"Earlier", "Still", "Despite", "Wednesday", "March"} <= lex.function_words
    assert "Officials" in lex.common_words


def test_data_files_have_no_duplicate_canonical_types(gaz: Gazetteer) -> None:
    # every alias must map back to a canonical whose alias list contains it
    for canonical in ("Syrian Democratic Forces", "Reuters", "Al-Hadath"):
        for alias in gaz.aliases(canonical):
            hit = gaz.lookup(alias)
            assert hit is not None and hit[0] == canonical, alias
    assert re.fullmatch(r"[\w' ]+", norm_key("Côte d'Ivoire"))


def test_a_newsrooms_own_entries_win_over_the_shipped_ones(tmp_path: Path) -> None:
    own = tmp_path / "newsroom.tsv"
    own.write_text("# our house names\n\nKenya Red Cross Society\tORG\tKenya Red Cross|KRCS\n")
    gaz = load_gazetteer(own)
    assert gaz.lookup("Kenya Red Cross") == ("Kenya Red Cross Society", "ORG")
    assert gaz.lookup("KRCS") == ("Kenya Red Cross Society", "ORG")
    assert gaz.lookup("Daesh") == ("Islamic State", "ORG")  # the shipped names are still there
    assert load_gazetteer().lookup("Kenya Red Cross") != ("Kenya Red Cross Society", "ORG")
    mentions = load_lexicon("rules", own).ner.mentions(
        "The Kenya Red Cross said 40 people were rescued.")
    assert [(m.text, m.canonical) for m in mentions if m.type == "ORG"] == [
        ("Kenya Red Cross", "Kenya Red Cross Society")]


def test_a_bad_row_names_its_file_and_line(tmp_path: Path) -> None:
    own = tmp_path / "bad.tsv"
    own.write_text("Good Name\tORG\n# fine\nBad Name\tTHING\n")
    with pytest.raises(GazetteerFileError, match=r"bad.tsv:3: .*TYPE one of"):
        read_user_entries(own)
    with pytest.raises(GazetteerFileError, match="cannot read"):
        read_user_entries(tmp_path / "missing.tsv")


def test_news_names_resolve_as_wire_copy_means_them(gaz: Gazetteer) -> None:
    # Reuters and AP write "Congo" for the Democratic Republic; Darfur and Kordofan are
    # regions of Sudan, its states (North Darfur) are places; "Treasury" alone is no
    # particular country's.
    assert gaz.lookup("Congo") == ("Democratic Republic of the Congo", "GPE")
    assert gaz.lookup("Darfur") == ("Darfur", "LOC")
    assert gaz.lookup("North Darfur") == ("North Darfur", "GPE")
    assert gaz.lookup("Treasury") is None


def test_a_newsrooms_own_name_renames_the_entity_whatever_the_story_writes(
        tmp_path: Path) -> None:
    # Shipped names follow the story ("Burma" stays Burma); a newsroom's own file is an
    # explicit rename, so its canonical name is the entity's name (the replay test's case).
    from datetime import UTC, datetime

    from agents.parse import RawMeta
    from agents.pipeline import process_article

    own = tmp_path / "newsroom.tsv"
    own.write_text("Kenya Red Cross Society\tORG\tKenya Red Cross|KRCS\n")
    text = (b"Floods Hit Kenya\n\nNAIROBI, Kenya (AP) - The Kenya Red Cross said 40 people "
            b"were rescued on Tuesday after floods in Burma and Kenya.\n")
    result = process_article(text, RawMeta(source="t", source_id="k"),
                             lexicon=load_lexicon("rules", own), now=datetime.now(UTC))
    names = {e.name for e in result.enriched.entities}
    assert "Kenya Red Cross Society" in names and "Kenya Red Cross" not in names
