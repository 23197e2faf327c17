"""Unit tests for agents.nlp.events: ACLED types, arguments, places, dates and precision."""

from __future__ import annotations

from datetime import date

import pytest

from agents.nlp.events import extract_events, load_lexicon
from agents.nlp.types import EventRecord
from tests.unit.event_doc import NameList, make_doc

NAMES: NameList = [
    ("Islamic State", "ORG", "Islamic State"),
    ("IS", "ORG", "Islamic State"),
    ("Daesh", "ORG", "Islamic State"),
    ("Syrian Democratic Forces", "ORG", "Syrian Democratic Forces"),
    ("SDF", "ORG", "Syrian Democratic Forces"),
    ("Taliban", "ORG", "Taliban"),
    ("al-Shabab", "ORG", "al-Shabab"),
    ("Boko Haram", "ORG", "Boko Haram"),
    ("Houthi", "ORG", "Houthis"),
    ("Houthis", "ORG", "Houthis"),
    ("Yazidi", "NORP", "Yazidi"),
    ("Kabul", "GPE", "Kabul"),
    ("Kunduz", "GPE", "Kunduz"),
    ("Afghanistan", "GPE", "Afghanistan"),
    ("Mogadishu", "GPE", "Mogadishu"),
    ("Somalia", "GPE", "Somalia"),
    ("Maiduguri", "GPE", "Maiduguri"),
    ("Nigeria", "GPE", "Nigeria"),
    ("Hodeidah", "GPE", "Hodeidah"),
    ("Yemen", "GPE", "Yemen"),
    ("Khartoum", "GPE", "Khartoum"),
    ("Sudan", "GPE", "Sudan"),
    ("Baghuz", "GPE", "Baghuz"),
    ("Syria", "GPE", "Syria"),
    ("United States", "GPE", "United States"),
    ("U.S.", "GPE", "United States"),
    ("Middle East", "LOC", "Middle East"),
]


def events(text: str, published: date | None = date(2019, 3, 13)) -> list[EventRecord]:
    doc, entities = make_doc(text, NAMES, published)
    return extract_events(doc, entities)


def types(text: str) -> list[tuple[str, str]]:
    return [(e.type, e.trigger) for e in events(text)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Taliban fighters attacked a police checkpoint in Kunduz on Tuesday, killing five.",
         [("Battles", "attacked")]),
        ("Heavy fighting broke out in Kunduz late Sunday.", [("Battles", "Heavy fighting")]),
        ("Soldiers clashed with Boko Haram militants near Maiduguri on Monday.",
         [("Battles", "clashed")]),
        ("Insurgents ambushed an army convoy outside Kunduz, officials said.",
         [("Battles", "ambushed")]),
        ("Saudi-led airstrikes hit Houthi positions in Hodeidah on Monday.",
         [("Explosions/Remote violence", "airstrikes")]),
        ("A car bomb exploded near a hotel in Mogadishu on Friday, killing 12 people.",
         [("Explosions/Remote violence", "car bomb")]),
        ("Houthis fired a missile strike at an air base in Yemen on Tuesday.",
         [("Explosions/Remote violence", "missile strike")]),
        ("A suicide bombing at a wedding in Kabul killed 63 people on Saturday.",
         [("Explosions/Remote violence", "suicide bombing")]),
        ("Gunmen kidnapped 20 students from a school near Maiduguri on Monday.",
         [("Violence against civilians", "kidnapped")]),
        ("Boko Haram militants massacred villagers in Nigeria last week.",
         [("Violence against civilians", "massacred")]),
        ("Thousands of protesters rallied in Khartoum on Sunday to demand civilian rule.",
         [("Protests", "protesters")]),
        ("Rioters looted shops and torched cars in Khartoum overnight.",
         [("Riots", "Rioters")]),
        ("Protesters clashed with police in Khartoum on Thursday.",
         [("Riots", "clashed with police")]),
        ("The two sides agreed a ceasefire in Hodeidah on Tuesday.",
         [("Strategic developments", "ceasefire")]),
        # FORMAT.md: arrests without violence are Other (with a crowd or violence: ACLED).
        ("Police arrested 15 opposition activists in Khartoum on Monday.",
         [("Other", "arrested")]),
        ("Hundreds of Taliban fighters surrendered to Afghan forces in Kunduz.",
         [("Strategic developments", "surrendered")]),
    ],
)
def test_trigger_types(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert types(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "trigger"),
    [
        ("There were suicide vest attacks by a group of bombers amid our forces in Baghuz.",
         "suicide vest attacks"),
        ("A rocket attack on the airport in Kabul wounded two soldiers.", "rocket attack"),
        ("A roadside bomb attack killed three soldiers in Kunduz.", "roadside bomb attack"),
    ],
)
def test_bomb_words_make_attacks_remote_violence(sentence: str, trigger: str) -> None:
    assert types(sentence) == [("Explosions/Remote violence", trigger)]


def test_attack_on_civilians_is_violence_against_civilians() -> None:
    found = types("Gunmen attacked villagers in northeastern Nigeria, killing 30.")
    assert found == [("Violence against civilians", "attacked")]


def test_killing_civilians_without_other_trigger() -> None:
    found = types("Militants killed 14 civilians near Maiduguri on Monday, police said.")
    assert found == [("Violence against civilians", "killed")]
    assert types("Airstrikes killed 14 civilians in Hodeidah on Monday.") == [
        ("Explosions/Remote violence", "Airstrikes")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The senator suffered a heart attack in Kabul on Monday.",
        "Officials warned the Taliban could attack Kabul next week.",
        "Al-Shabab threatened to attack Mogadishu on Friday.",
        "The army plans to launch an offensive against IS in Syria.",
        "There was no fighting in Kunduz on Tuesday, residents said.",
        "The opposition launched a scathing attack on the budget in Kabul on Monday.",
        "Shares rallied in Kabul on Monday as oil prices rose.",
        "The man bought an assault rifle in Kabul on Monday.",
        "The candidate withdrew from the race in Sudan on Monday.",
        "Is the ceasefire in Hodeidah going to hold?",
        "The U.N. called for a ceasefire in Hodeidah on Tuesday.",
    ],
)
def test_non_events_are_skipped(sentence: str) -> None:
    assert events(sentence) == []


def test_civilian_evacuation_in_a_flood_is_no_strategic_development() -> None:
    # FORMAT.md: disasters and evacuations are each an Other event.
    found = types("Residents were evacuated from Khartoum as floods rose on Monday.")
    assert found == [("Other", "evacuated"), ("Other", "floods")]


def test_generic_battle_needs_an_anchor() -> None:
    assert events("Officials said the battle against IS was nearing an end.") == []
    assert types("IS fighters battled SDF troops in Baghuz on Tuesday.") == [
        ("Battles", "battled")]


def test_actor_and_target_active_and_passive() -> None:
    (attack,) = events("Islamic State fighters launched new counterattacks against the SDF "
                       "in Baghuz on Wednesday.")
    assert (attack.actor, attack.target, attack.place, attack.date) == (
        "Islamic State", "Syrian Democratic Forces", "Baghuz", date(2019, 3, 13))
    (rescue,) = events("Three Yazidi women were rescued by SDF troops as they moved "
                       "into part of Baghuz.")
    assert (rescue.type, rescue.actor, rescue.target) == (
        "Strategic developments", "Syrian Democratic Forces", "Yazidi")
    (assault,) = events("The SDF launched its final assault on the IS enclave late Sunday.")
    assert (assault.trigger, assault.actor, assault.target, assault.date) == (
        "final assault", "Syrian Democratic Forces", "Islamic State", date(2019, 3, 10))


def test_possessive_mention_maps_to_entity() -> None:
    (event,) = events("The Taliban's offensive on Kunduz killed dozens on Monday.")
    assert (event.actor, event.place) == ("Taliban", "Kunduz")


def test_place_falls_back_to_main_place() -> None:
    text = ("Fighting raged in Baghuz on Tuesday.\n\n"
            "Residents of Baghuz fled. Officials in Baghuz spoke.\n\n"
            "Hundreds of fighters also surrendered.")
    found = events(text)
    assert [(e.type, e.place) for e in found] == [
        ("Battles", "Baghuz"), ("Strategic developments", "Baghuz")]


def test_country_gives_way_to_specific_main_place() -> None:
    text = ("Air strikes hit Baghuz on Monday. Medics in Baghuz said 10 died.\n\n"
            "IS fighters launched counterattacks in northeastern Syria on Wednesday.")
    found = events(text)
    assert [(e.type, e.place) for e in found] == [
        ("Explosions/Remote violence", "Baghuz"), ("Battles", "Baghuz")]


def test_modifier_gpe_is_not_a_place() -> None:
    (event,) = events("IS attacked U.S.-backed forces in Baghuz on Wednesday.")
    assert event.place == "Baghuz"


def test_range_date_gives_no_event_date() -> None:
    (event,) = events("Airstrikes hit Hodeidah last week, killing 12.")
    assert event.date is None


def test_restatements_merge_and_coordination_is_one_event() -> None:
    text = ("IS fighters launched two counterattacks in Baghuz on Wednesday.\n\n"
            "Both counterattacks were repelled, the SDF said.\n\n"
            "Airstrikes and artillery fire pounded Baghuz on Wednesday.")
    found = events(text)
    assert [(e.type, e.trigger) for e in found] == [
        ("Battles", "counterattacks"), ("Explosions/Remote violence", "Airstrikes")]


def test_lexicon_loads_once_and_expands_inflections() -> None:
    lex = load_lexicon()
    assert load_lexicon() is lex
    assert {"attack", "attacks", "attacked", "attacking", "airstrike"} <= set(lex.triggers)
    assert lex.triggers["counterattacks"].type == "Battles"
    assert lex.pattern.fullmatch("air-strikes") is not None
    assert "syria" in lex.countries


def test_place_carries_over_within_the_paragraph() -> None:
    text = ("Taliban fighters attacked a police checkpoint in Kunduz on Sunday, killing nine. "
            "Afghan forces repelled the assault after two hours of heavy fighting.\n\n"
            "Separately, protesters marched through Kabul. Riot police fired tear gas.")
    found = events(text)
    assert [(e.type, e.place) for e in found] == [
        ("Battles", "Kunduz"), ("Protests", "Kabul")]


def test_back_references_restate_earlier_events() -> None:
    text = ("A suicide bomber blew himself up at a wedding hall in Kabul on Saturday, killing "
            "63 people, in the deadliest attack in Kabul this year.\n\n"
            "The Taliban condemned the bombing. Police arrested three suspects in connection "
            "with the wedding bombing in Kabul on Monday.")
    found = events(text)
    assert [(e.type, e.trigger, e.date) for e in found] == [
        ("Explosions/Remote violence", "blew himself up", date(2019, 3, 9)),
        ("Strategic developments", "arrested", date(2019, 3, 11))]


def test_first_definite_mention_is_still_an_event() -> None:
    (event,) = events("The attack on a police post in Kunduz killed four soldiers on Monday.")
    assert (event.type, event.place, event.date) == ("Battles", "Kunduz", date(2019, 3, 11))


def test_planned_agreements_and_protests_are_skipped() -> None:
    assert events("A new round of peace talks could take place next month in Khartoum.") == []
    assert events("The truce is due to take effect in Hodeidah on Friday.") == []
    assert events("Organisers said protests will be held in Khartoum on Friday.") == []


def test_specific_region_beats_distant_city() -> None:
    (event,) = events_with(
        "Russia and Ukraine agreed on Friday to a ceasefire in the eastern Donbas region, "
        "after talks mediated in Paris.",
        [("Donbas", "LOC", "Donbas"), ("Paris", "GPE", "Paris"),
         ("Russia", "GPE", "Russia"), ("Ukraine", "GPE", "Ukraine")])
    assert (event.type, event.place) == ("Strategic developments", "Donbas")


def test_world_region_gives_way_to_main_place() -> None:
    text = ("Shelling hit Baghuz on Monday. Medics in Baghuz said 10 died.\n\n"
            "The commander of U.S. forces in the Middle East said fighters surrendered.")
    assert [(e.type, e.place) for e in events(text)] == [
        ("Explosions/Remote violence", "Baghuz"), ("Strategic developments", "Baghuz")]


def test_dateline_and_credit_are_not_the_actor() -> None:
    names: NameList = [("Kabul", "GPE", "Kabul"), ("KABUL", "GPE", "Kabul"),
                       ("Afghanistan", "GPE", "Afghanistan"), ("Reuters", "ORG", "Reuters")]
    (event,) = events_with("KABUL, Afghanistan (Reuters) - A suicide bomber blew himself up "
                           "in Kabul on Saturday, killing 63 people.", names)
    assert event.actor is None


def events_with(text: str, names: NameList) -> list[EventRecord]:
    doc, entities = make_doc(text, names)
    return extract_events(doc, entities)


def test_violent_actor_prefers_group_over_person() -> None:
    names: NameList = [("Taliban", "ORG", "Taliban"), ("Kunduz", "GPE", "Kunduz"),
                       ("Mullah Abdul Salam", "PERSON", "Mullah Abdul Salam")]
    (event,) = events_with("Taliban fighters led by commander Mullah Abdul Salam attacked "
                           "an army base in Kunduz on Monday.", names)
    assert (event.type, event.actor) == ("Battles", "Taliban")


def test_person_actor_kept_when_no_group_is_named() -> None:
    names: NameList = [("Kunduz", "GPE", "Kunduz"),
                       ("Mullah Abdul Salam", "PERSON", "Mullah Abdul Salam")]
    (event,) = events_with("Fighters loyal to Mullah Abdul Salam attacked an army base in "
                           "Kunduz on Monday.", names)
    assert event.actor == "Mullah Abdul Salam"


def test_remote_violence_never_targets_a_person_unnamed_as_such() -> None:
    names: NameList = [("Houthis", "ORG", "Houthis"), ("Hodeidah", "GPE", "Hodeidah"),
                       ("Mohammed Ali", "PERSON", "Mohammed Ali")]
    (event,) = events_with("Airstrikes hit Hodeidah on Monday, Houthi spokesman Mohammed Ali "
                           "said.", names)
    assert (event.type, event.target) == ("Explosions/Remote violence", None)
    (shelling,) = events_with("Houthis shelled the port in Hodeidah on Monday, residents told "
                              "Mohammed Ali.", names)
    assert shelling.target is None


@pytest.mark.parametrize(
    "sentence",
    [
        # ACLED codes what happened: calls, demands and plans are not events.
        "The Arab League urged both sides to agree a ceasefire in Hodeidah on Monday.",
        "Aid groups called for a truce in Kunduz on Sunday to let convoys through.",
        "The army is preparing to launch an offensive on Maiduguri, officials said.",
    ],
)
def test_calls_and_plans_are_not_events(sentence: str) -> None:
    assert events(sentence) == []


# --- Lead events of non-conflict copy (type Other; talks are Strategic developments)

MORE: NameList = [
    ("Peru", "GPE", "Peru"), ("Lima", "GPE", "Lima"), ("Pakistan", "GPE", "Pakistan"),
    ("Swat", "GPE", "Swat"), ("Reserve Bank of India", "ORG", "Reserve Bank of India"),
    ("India", "GPE", "India"), ("Mumbai", "GPE", "Mumbai"), ("MUMBAI", "GPE", "Mumbai"),
    ("Senate", "ORG", "Senate"),
    ("Chile", "GPE", "Chile"), ("Doha", "GPE", "Doha"), ("Qatar", "GPE", "Qatar"),
    ("Taliban", "ORG", "Taliban"), ("Kunduz", "GPE", "Kunduz"), ("Kabul", "GPE", "Kabul"),
    ("Maiduguri", "GPE", "Maiduguri"), ("Nigeria", "GPE", "Nigeria"),
    ("Hodeidah", "GPE", "Hodeidah"), ("Khartoum", "GPE", "Khartoum"),
]


def more(text: str) -> list[EventRecord]:
    return events_with(text, MORE)


@pytest.mark.parametrize(
    ("text", "trigger", "place"),
    [
        ("LIMA (Reuters) - A magnitude 6.8 earthquake struck southern Peru on Monday, killing at "
         "least 12 people and damaging hundreds of homes, officials said.", "earthquake", "Peru"),
        ("Flash floods swept through the Swat valley in Pakistan on Sunday, washing away "
         "bridges and stranding thousands of tourists.", "Flash floods", "Swat"),
        ("MUMBAI - The Reserve Bank of India raised its benchmark repo rate by 25 basis points "
         "on Wednesday, its third increase this year.", "raised its benchmark repo rate", "Mumbai"),
        ("Chile's Senate on Tuesday approved a pension reform bill after two years of debate "
         "in Lima.", "approved a pension reform bill", "Lima"),
    ],
)
def test_lead_event_of_non_conflict_copy_is_other(text: str, trigger: str, place: str) -> None:
    (event,) = more(text)
    assert (event.type, event.trigger, event.place) == ("Other", trigger, place)


def test_disasters_have_no_actor_and_economy_keeps_its_actor() -> None:
    (quake,) = more("A strong earthquake struck Peru on Monday, officials in Lima said.")
    assert (quake.actor, quake.target) == (None, None)
    (rate,) = more("The Reserve Bank of India cut interest rates in Mumbai on Friday.")
    assert rate.actor == "Reserve Bank of India"


def test_a_later_disaster_elsewhere_is_another_event() -> None:
    # FORMAT.md: every reported happening, not only the lead's.
    text = ("The Reserve Bank of India left interest rates unchanged in Mumbai on Wednesday.\n\n"
            "Governor Das said inflation rose in January after floods hit crops in Pakistan.")
    assert [(e.type, e.place) for e in more(text)] == [("Other", "Mumbai"), ("Other", "Pakistan")]


def test_lead_event_takes_its_day_from_the_detail_paragraph() -> None:
    text = ("An earthquake in southern Peru has killed 40 people, officials said on Wednesday.\n\n"
            "The magnitude 7.0 quake hit near Lima on Monday night.")
    (event,) = more(text)
    assert (event.type, event.date) == ("Other", date(2019, 3, 11))


@pytest.mark.parametrize(
    "text",
    [
        "The Reserve Bank of India is expected to cut interest rates in Mumbai next week.",
        "Officials in Lima warned that heavy rain could trigger floods on Monday.",
        "Chile's Senate did not pass the pension bill in Lima on Tuesday.",
    ],
)
def test_hypothetical_lead_events_are_skipped(text: str) -> None:
    assert more(text) == []


def test_conflict_lead_takes_no_other_lead_event() -> None:
    # The attack is the lead; the floods are still a happening of their own (FORMAT.md).
    text = ("Gunmen attacked a village near Maiduguri on Monday as floods cut roads, killing "
            "12 villagers, officials said.")
    assert [(e.type, e.trigger) for e in more(text)] == [
        ("Violence against civilians", "attacked"), ("Other", "floods")]


def test_talks_that_opened_are_a_strategic_development() -> None:
    (event,) = more("Talks between the Afghan government and the Taliban resumed in Doha, "
                    "Qatar, on Tuesday after a three-week pause.")
    assert (event.type, event.place, event.date) == (
        "Strategic developments", "Doha", date(2019, 3, 12))


# --- ACLED typing: victims, weapons, figurative senses, people nouns


@pytest.mark.parametrize(
    "text",
    [
        "Gunmen raided a village near Maiduguri overnight, killing 23 people.",
        "Militants ambushed a bus carrying pilgrims near Kunduz on Friday, killing nine.",
        "Suspected jihadists killed 14 people in an ambush on a road near Maiduguri.",
        "Boko Haram fighters killed 30 civilians in a night-time raid in Nigeria on Sunday.",
    ],
)
def test_attacks_on_civilians_are_violence_against_civilians(text: str) -> None:
    assert [e.type for e in more(text)] == ["Violence against civilians"]


@pytest.mark.parametrize(
    "text",
    [
        "Insurgents ambushed an army convoy near Kunduz on Friday, killing nine soldiers.",
        "Taliban fighters raided a police post near Kunduz on Friday, residents said.",
    ],
)
def test_attacks_on_armed_targets_stay_battles(text: str) -> None:
    assert [e.type for e in more(text)] == ["Battles"]


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Artillery shells hit a market in Kunduz on Monday, killing five civilians.",
         "shells hit"),
        ("A drone slammed into an apartment block in Kabul on Monday, killing two residents.",
         "drone slammed"),
        ("Government forces pounded Hodeidah with drones and artillery on Monday.", "pounded"),
        ("Government forces killed 14 civilians with artillery near Maiduguri on Monday.",
         "killed"),
    ],
)
def test_the_weapon_decides_remote_violence(text: str, trigger: str) -> None:
    assert [(e.type, e.trigger) for e in more(text)] == [("Explosions/Remote violence", trigger)]


def test_figurative_explosions_are_not_events() -> None:
    assert more("The verdict set off an explosion of anger in Kabul on Monday.") == []
    found = more("Simmering tensions exploded into open fighting in Khartoum on Monday.")
    assert [(e.type, e.trigger) for e in found] == [("Battles", "fighting")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police said 40 rioters had been arrested in Khartoum since Monday.",
         ["Strategic developments"]),
        ("Rights groups urged the authorities to stop using force against protesters in Khartoum.",
         []),
        ("Police fired tear gas at protesters in Khartoum on Monday.", ["Protests"]),
        ("Thousands of demonstrators marched through Khartoum on Monday.", ["Protests"]),
        ("Youths blocked roads with burning tyres in Khartoum on Tuesday.", ["Riots"]),
    ],
)
def test_people_nouns_need_an_action(text: str, expected: list[str]) -> None:
    assert [e.type for e in more(text)] == expected


def test_report_dates_do_not_date_the_event() -> None:
    (event,) = more("Airstrikes hit Hodeidah, killing 12 fighters, residents said on Tuesday.")
    assert event.date is None


def test_lead_summary_takes_the_place_and_day_of_its_retelling() -> None:
    text = ("Gunmen killed 20 villagers in an attack in northeastern Nigeria, officials said on "
            "Monday.\n\nThe gunmen stormed a village near Maiduguri late on Saturday, burning "
            "homes, a local official said.")
    assert [(e.type, e.place, e.date) for e in more(text)] == [
        ("Violence against civilians", "Maiduguri", date(2019, 3, 9))]
    separate = text.replace("The gunmen stormed", "In a separate attack, gunmen stormed")
    assert len(more(separate)) == 2


def test_appositive_place_is_where_it_happened() -> None:
    (event,) = more("Heavy fighting broke out on Monday in the northern city, Kunduz, officials "
                    "in Kabul said.")
    assert event.place == "Kunduz"


def test_readiness_for_a_ceasefire_is_not_an_agreement() -> None:
    assert more('The Taliban said they were ready for "a lasting ceasefire" in Kunduz.') == []
    assert more("Mediators hoped the talks could produce at least a humanitarian truce in "
                "Kunduz by Friday.") == []


def test_a_character_that_lowercases_to_two_does_not_shift_offsets() -> None:
    """Turkish "İ" lower-cases to two characters; events after it must still be found."""
    from tests.unit.event_doc import make_doc

    body = ("Rescuers in İstanbul searched the rubble on Tuesday. Government forces stormed "
            "the rebel-held town of Idlib in Syria on Monday, killing 12 fighters.")
    doc, entities = make_doc(body, [("Government forces", "ORG", "Syrian army"),
                                    ("Idlib", "GPE", "Idlib"), ("Syria", "GPE", "Syria")])
    events = extract_events(doc, entities)
    assert any(e.place == "Idlib" for e in events), events


def test_shot_dead_is_passive_and_the_speaker_is_not_the_shooter() -> None:
    # "were shot dead" names no shooter; the group reporting it did not shoot.
    [event] = events("Amnesty International Somalia said two protesters were shot dead in "
                     "Mogadishu.")
    assert event.type == "Violence against civilians" and event.actor is None


# --- Reported happenings of non-conflict copy (FORMAT.md "What gets annotated"), from the
# real stories of gold/dev: every happening is an Other event, each once, with its place.

HAPPEN: NameList = [
    ("Central African Republic", "GPE", "Central African Republic"),
    ("Malawi", "GPE", "Malawi"), ("Blantyre", "GPE", "Blantyre"),
    ("Charles Taylor", "PERSON", "Charles Taylor"), ("Sierra Leone", "GPE", "Sierra Leone"),
    ("The Hague", "GPE", "The Hague"), ("Kenya", "GPE", "Kenya"),
    ("Uhuru Kenyatta", "PERSON", "Uhuru Kenyatta"), ("Greece", "GPE", "Greece"),
    ("Brussels", "GPE", "Brussels"), ("Fitch", "ORG", "Fitch"), ("Mali", "GPE", "Mali"),
    ("United Nations", "ORG", "United Nations"), ("Burma", "GPE", "Myanmar"),
    ("Rangoon", "GPE", "Yangon"), ("Iran", "GPE", "Iran"), ("Singapore", "GPE", "Singapore"),
    ("Mir Hossein Mousavi", "PERSON", "Mir Hossein Mousavi"), ("Kim", "PERSON", "Kim Jong Un"),
]


def happen(text: str, published: date | None = date(2020, 6, 27)) -> list[EventRecord]:
    doc, entities = make_doc(text, HAPPEN, published)
    return extract_events(doc, entities)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The electoral commission in the Central African Republic says the president has "
         "been re-elected with nearly thirds of the vote.",
         [("re-elected", "Central African Republic")]),
        ("In Malawi, Lazarus Chakwera won the country's historic presidential election rerun.",
         [("won the country's historic presidential election", "Malawi"),
          ("election rerun", "Malawi")]),
        ("The electoral commission chairperson announced the winner Saturday night in Blantyre.",
         [("announced the winner", "Blantyre")]),
        ("Lisa Bryant\n\nPARIS - Former Liberian president Charles Taylor has been sentenced to "
         "50 years in prison for aiding and abetting horrific war crimes committed during Sierra "
         "Leone's civil war. Both defense and prosecution are expected to appeal the sentence "
         "by an international court in The Hague.", [("sentenced", "The Hague")]),
        ("Kenyan President Uhuru Kenyatta sought to reassure shaken Kenyans in an address to the "
         "nation just hours after the attack in Kenya.", [("address to the nation", "Kenya")]),
        ("The Fitch financial services company cut the credit rating of Greece on Wednesday.",
         [("cut the credit rating", "Greece")]),
        ("The United Nations on Saturday flew one metric ton of emergency relief supplies to "
         "Mali, including personal protection kits, gloves and face shields.",
         [("flew one metric ton of emergency relief", "Mali")]),
        ("Iranian media say the daughter of one of Iran's most powerful figures and four family "
         "members were detained during the protests but later released.",
         [("detained", "Iran")]),
    ],
)
def test_reported_happenings_are_other_events(text: str, expected: list[tuple[str, str]]
                                              ) -> None:
    found = happen(text)
    assert [(e.trigger, e.place) for e in found if e.type == "Other"] == expected


def test_a_ruling_and_its_appeal_are_two_happenings_placed_in_the_story_country() -> None:
    text = ("BLANTYRE, MALAWI - In Malawi, the opposition leader won the presidential "
            "election rerun.\n\nThe fresh polls came after the country's Constitutional Court "
            "in February annulled the May 2019 elections over massive irregularities, a "
            "decision that the Supreme Court of Appeal upheld in May.")
    found = [(e.trigger, e.place) for e in happen(text)]
    assert ("annulled", "Malawi") in found and ("upheld", "Malawi") in found
    # "the fresh polls" restates the rerun: one election, however often it is named.
    assert [t for t, _ in found].count("fresh polls") == 0


def test_repeated_mentions_of_one_election_are_one_event_with_its_day() -> None:
    text = ("Iranian opposition leader Mir Hossein Mousavi has issued a statement supporting "
            "further protests against the disputed election victory.\n\n"
            "Police dispersed thousands who rallied despite a warning to stop demonstrating "
            "against the disputed June 12 elections in Iran.\n\n"
            "He said the council should investigate claims about the election results.")
    elections = [e for e in happen(text, date(2009, 6, 22)) if e.trigger.startswith("election")]
    assert len(elections) == 1 and elections[0].date == date(2009, 6, 12)


def test_a_place_is_named_as_the_story_names_it() -> None:
    (aid,) = happen("The international community is offering aid to military-ruled Burma.")
    assert (aid.type, aid.place) == ("Other", "Burma")


@pytest.mark.parametrize(
    "text",
    [
        # Quoted words are speech; futures, plans and open questions are not happenings.
        'JEAN-CLAUDE JUNCKER: "After a meeting of at least thirteen hours, we have reached a '
        'far-reaching agreement on the new program for Greece."',
        "The constitutional court has until the beginning of next week to hear complaints and "
        "decide whether to validate the results in Malawi.",
        "Oil ministers may meet in Brussels to review the cuts.",
        "Oil ministers will meet in Brussels to review the cuts.",  # an intention: no date
        "Greece plans to sign the loan agreement in Brussels next week.",
        "Mr. Patasse's campaign intends to challenge the results before the court in Malawi.",
    ],
)
def test_quotes_and_hypotheticals_are_not_happenings(text: str) -> None:
    assert happen(text) == []


def test_an_agreement_between_fighters_stays_acled() -> None:
    assert [e.type for e in events("The two sides agreed a ceasefire in Hodeidah on Tuesday.")
            ] == ["Strategic developments"]


def test_a_happening_is_placed_where_it_was_made_not_where_it_goes() -> None:
    (loan,) = happen("European finance ministers agreed to loan Greece about one hundred "
                     "seventy-two billion dollars this week at a meeting in Brussels.")
    assert (loan.trigger, loan.place) == ("agreed", "Brussels")


def test_an_unplaced_mention_restates_the_placed_happening() -> None:
    text = ("Kim Jong Un and a visitor leave after signing documents that acknowledge the "
            "progress of the talks.\n\nKim agreed Tuesday to complete denuclearization during "
            "the historic summit in Singapore.")
    found = [(e.trigger, e.place) for e in happen(text, date(2018, 6, 13))]
    assert found == [("signing documents", "Singapore"), ("summit", "Singapore")]


def test_a_dated_scheduled_happening_is_an_event() -> None:
    # FORMAT.md: what the story reports as scheduled counts (the gold marks it optional).
    (meeting,) = happen("Oil ministers will meet in Brussels on Monday to review the cuts.")
    assert (meeting.type, meeting.trigger, meeting.place) == ("Other", "meet in", "Brussels")


def test_a_month_after_a_ruling_is_no_modal() -> None:
    text = ("The fresh polls came after the Constitutional Court of Malawi in February "
            "annulled the May 2019 elections, a decision that the Supreme Court of Appeal "
            "upheld in May.")
    assert {"annulled", "upheld"} <= {e.trigger for e in happen(text)}


def test_habits_are_not_happenings() -> None:
    assert happen("Malawi sits on several major fault lines and is frequently hit by "
                  "earthquakes.") == []


def test_a_definite_mention_of_a_disaster_restates_it() -> None:
    text = ("The international community is offering aid to military-ruled Burma as the death "
            "toll from Saturday's cyclone has risen to nearly 22,500.\n\n"
            "Reporters Without Borders issued a statement Tuesday calling on Burma to grant "
            "visas to foreign journalists to report on the cyclone's aftermath.")
    found = happen(text, date(2008, 5, 7))
    assert [e.trigger for e in found].count("cyclone") == 1


def test_a_data_release_is_one_event_however_often_the_report_is_cited() -> None:
    text = ("The economy of the United States grew modestly early this year.\n\n"
            "But the latest report shows U.S. consumers largely brushed off a 2 percent tax "
            "increase.\n\nBut the report said the gain in consumer spending was offset by "
            "companies restocking their inventories.")
    found = make_doc(text, [("United States", "GPE", "United States")], date(2013, 5, 30))
    assert [(e.type, e.place) for e in extract_events(*found)] == [("Other", "United States")]


def test_a_place_that_modifies_the_happening_is_its_place() -> None:
    (pact,) = happen("South Korean President Moon Jae-in said the Singapore summit pact laid "
                     "down a big framework for peace.")
    assert (pact.trigger, pact.place) == ("summit", "Singapore")


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Greece's finance minister resigned on Friday, a day after the vote in Brussels.",
         "resigned"),
        ("A new finance minister for Greece was sworn in on Saturday in Brussels.",
         "was sworn in"),
        ("Parliament in Greece passed the austerity bill late on Sunday.",
         "passed the austerity bill"),
    ],
)
def test_later_political_happenings_are_events(text: str, trigger: str) -> None:
    lead = "The Fitch financial services company cut the credit rating of Greece on Wednesday."
    found = happen(f"{lead}\n\n{text}")
    assert trigger in [e.trigger for e in found if e.type == "Other"]


def test_the_lead_takes_the_kind_of_its_happening() -> None:
    text = ("Kenya's National Assembly on Thursday passed a bill imposing a 3% levy on digital "
            "transactions in Kenya.\n\nOtieno said his party would challenge the law in the "
            "High Court. Lawmakers passed the bill after a six-hour debate in Kenya.")
    assert [e.trigger for e in happen(text)] == ["passed a bill"]


def test_happening_needles_are_whole_ascii_words() -> None:
    """A happening pattern is tried only where one of its needles opens a word."""
    for pat in load_lexicon().other:
        for needle in pat.needles:
            assert needle.isascii() and needle.isalpha() and needle.islower(), needle


def test_a_possessive_date_dates_its_own_noun_not_the_happening() -> None:
    found = happen("The international community is offering aid to military-ruled Burma as the "
                   "death toll from Saturday's cyclone has risen to nearly 22,500.",
                   date(2008, 5, 7))
    assert [(e.trigger, e.date) for e in found] == [
        ("offering aid", None), ("cyclone", date(2008, 5, 3))]


@pytest.mark.parametrize(
    "text",
    [
        "In Malawi, Lazarus Chakwera won the presidential election rerun by a landslide.",
        "Chakwera's landslide victory in Malawi surprised observers.",
        "Aid workers have been in Mali since the outbreak of the war.",
        "A flood of refugees crossed into Mali on Monday.",
    ],
)
def test_figurative_disasters_are_not_happenings(text: str) -> None:
    assert [e for e in happen(text) if e.trigger.lower().startswith(("land", "out", "flood"))
            ] == []


def test_met_with_criticism_is_a_reaction_not_a_meeting() -> None:
    assert happen("The plan met with criticism in Brussels on Monday.") == []
    assert happen("The proposal was met with anger in Brussels.") == []
    (meeting,) = happen("The two leaders met in Brussels on Monday.")
    assert (meeting.trigger, meeting.place) == ("met in", "Brussels")


def test_a_photo_caption_reports_no_event() -> None:
    text = ("In Malawi, Lazarus Chakwera won the presidential election rerun.\n\n"
            "The electoral commission chairperson announces election rerun results in "
            "Blantyre, Malawi, June 27, 2020. (Lameck Masina/VOA)")
    assert [e.place for e in happen(text)] == ["Malawi", "Malawi"]


def test_an_attributive_date_dates_its_own_noun() -> None:
    (conference, poll) = happen("At a news conference in Blantyre, Mutharika said the June 23 "
                                "poll is worst election in the country's history.")
    assert (conference.trigger, conference.date) == ("news conference", None)
    assert (poll.trigger, poll.date) == ("election", date(2020, 6, 23))


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("The president of Mali has ordered the emergency workers to make an all-out effort "
         "to save lives.", "ordered the emergency workers to make"),
        ("Rescue workers on Sunday saved nine villagers trapped in mountainous Mali.",
         "saved nine villagers"),
        ("The government of Mali declared a national emergency on Sunday.",
         "declared a national emergency"),
    ],
)
def test_orders_and_rescues_are_happenings(text: str, trigger: str) -> None:
    assert [e.trigger for e in happen(text)] == [trigger]


def test_a_launched_campaign_and_the_outbreak_are_two_happenings() -> None:
    text = ("Mali launched a cholera vaccination campaign on Monday, aiming to immunize over two "
            "million people.\n\nThe outbreak in Mali has claimed over 400 lives.")
    assert [e.trigger for e in happen(text)] == ["launched a cholera vaccination", "outbreak"]


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Parliament in Greece on Thursday accepted the resignation of the prime minister.",
         "accepted the resignation"),
        ("Parliament in Greece appointed its speaker as the new head of government.",
         "appointed its speaker as the new head"),
        ("The prime minister of Greece survived a no-confidence vote in parliament on Friday.",
         "no-confidence vote"),
    ],
)
def test_political_acts_in_active_voice_are_happenings(text: str, trigger: str) -> None:
    lead = "The Fitch financial services company cut the credit rating of Greece on Wednesday."
    assert trigger in [e.trigger for e in happen(f"{lead}\n\n{text}")]


def test_restatements_at_one_place_merge_whoever_the_nearest_name_is() -> None:
    text = ("Lawmakers in Mogadishu on Saturday passed a no-confidence motion against the prime "
            "minister.\n\nPresident Farmajo has accepted the vote of no confidence passed by "
            "parliament in Mogadishu.")
    found = happen(text, date(2020, 7, 25))
    assert [e.trigger for e in found].count("vote of no confidence") == 0


def test_aftershocks_are_their_own_happening() -> None:
    text = ("A magnitude 8.0 earthquake struck Mali on Wednesday, killing at least 450 people."
            "\n\nThe U.S. Geological Survey reported that central Mali has been hit by more than "
            "a dozen aftershocks of magnitude 4.5 or higher since the initial quake.")
    assert [e.trigger for e in happen(text)] == ["earthquake", "aftershocks"]
