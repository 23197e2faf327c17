"""Speaker attribution on hand-built wire-style documents."""

from __future__ import annotations

from collections.abc import Sequence

from agents.nlp.speakers import attribute_quotes
from agents.nlp.types import EntityType, Quote
from tests.unit.quote_doc import make_doc

Name = tuple[str, EntityType, str]
Names = list[Name]


def run(body: str, names: Sequence[Name] = (), byline: tuple[str, ...] = ()) -> list[Quote]:
    doc, entities = make_doc(body, names, byline)
    return attribute_quotes(doc, entities)


def who(q: Quote) -> tuple[str | None, str | None, str | None]:
    return q.speaker, q.speaker_title, q.cue


# --- direct quotes, attribution after the quote -----------------------------------


def test_name_with_apposition_stops_at_relative_clause() -> None:
    body = (
        '"Rebels shelled the airport twice overnight," Ali Hassan, a spokesman for the '
        "Houthi movement, which controls the capital, told reporters on Friday."
    )
    [q] = run(body, [("Ali Hassan", "PERSON", "Ali Hassan"), ("Houthi", "ORG", "Houthis")])
    assert q.kind == "direct" and q.text == "Rebels shelled the airport twice overnight,"
    assert who(q) == ("Ali Hassan", "a spokesman for the Houthi movement", "told")
    assert q.speaker_span is not None
    assert body[q.speaker_span.start : q.speaker_span.end] == "Ali Hassan"
    assert q.sentence.start == 0 and q.sentence.end == len(body)


def test_title_before_name() -> None:
    body = '"The ceasefire is holding," Army spokesman Brig. Gen. Yahya Rasool told state TV.'
    [q] = run(body, [("Yahya Rasool", "PERSON", "Yahya Rasool")])
    assert who(q) == ("Yahya Rasool", "Army spokesman", "told")


def test_inverted_said_with_title_and_with_apposition() -> None:
    body = (
        '"We will not negotiate under fire," said Prime Minister Benjamin Netanyahu.\n\n'
        '"The convoy was hit twice," said Jens Laerke, a spokesman for the U.N. aid office.'
    )
    names: Names = [
        ("Benjamin Netanyahu", "PERSON", "Benjamin Netanyahu"),
        ("Jens Laerke", "PERSON", "Jens Laerke"),
        ("U.N.", "ORG", "United Nations"),
    ]
    first, second = run(body, names)
    assert who(first) == ("Benjamin Netanyahu", "Prime Minister", "said")
    assert who(second) == ("Jens Laerke", "a spokesman for the U.N. aid office", "said")


def test_pronoun_resolves_to_last_named_person_not_byline() -> None:
    body = (
        "By Maria Lopez\n\n"
        'Interior Minister Kamal Ahmed said the border would reopen. "Trucks are waiting,"'
        " he added."
    )
    names: Names = [
        ("Maria Lopez", "PERSON", "Maria Lopez"),
        ("Kamal Ahmed", "PERSON", "Kamal Ahmed"),
    ]
    quotes = run(body, names, byline=("Maria Lopez",))
    assert [q.kind for q in quotes] == ["indirect", "direct"]
    assert who(quotes[1]) == ("Kamal Ahmed", None, "added")


def test_two_passages_in_one_sentence_share_speaker_and_cue() -> None:
    body = (
        '"The dam could fail within hours," the governor said. "Everyone downstream must '
        'leave now."'
    )
    first, second = run(body)
    assert first.text == "The dam could fail within hours,"
    assert second.text == "Everyone downstream must leave now."
    assert who(first) == who(second) == ("the governor", "the governor", "said")


def test_one_passage_with_two_sentences_is_one_quote() -> None:
    body = '"The polls are closed. Counting starts at dawn," an election official said.'
    [q] = run(body)
    assert q.text == "The polls are closed. Counting starts at dawn,"
    assert who(q) == ("an election official", "an election official", "said")


def test_inverted_description_with_a_place_name_is_unnamed() -> None:
    body = '"I lost everything," said a farmer in the village of Sarbuland, who gave his name.'
    [q] = run(body, [("Sarbuland", "GPE", "Sarbuland")])
    farmer = "a farmer in the village of Sarbuland"
    assert who(q) == (farmer, farmer, "said")


def test_quote_after_colon() -> None:
    body = 'Putin said on Tuesday: "Russia will respond to any attack."'
    [q] = run(body, [("Putin", "PERSON", "Vladimir Putin")])
    assert q.kind == "direct" and who(q) == ("Vladimir Putin", None, "said")


def test_terminal_quote_does_not_take_next_sentence_as_attribution() -> None:
    body = (
        'Aid chief Martin Griffiths said supplies had run out. "We cannot feed them." The'
        " U.N. said 40 trucks were waiting."
    )
    quotes = run(
        body,
        [("Martin Griffiths", "PERSON", "Martin Griffiths"), ("U.N.", "ORG", "United Nations")],
    )
    direct = [q for q in quotes if q.kind == "direct"]
    assert [who(q)[0] for q in direct] == ["Martin Griffiths"]
    assert direct[0].cue is None


def test_question_with_short_attribution() -> None:
    body = 'Opposition leader Ana Ruiz spoke first. "Who will pay for this?" she asked.'
    [q] = run(body, [("Ana Ruiz", "PERSON", "Ana Ruiz")])
    assert who(q) == ("Ana Ruiz", None, "asked")


# --- multi-paragraph and cueless quotes -------------------------------------------------


def test_open_quote_joins_the_next_paragraph() -> None:
    body = (
        '"We lost everything in the flood,'
        " said farmer Joseph Mwangi.\n\n"
        '"The water came at night and took the cattle."'
    )
    # the first paragraph closes nothing, so both paragraphs are one passage
    body = (
        '"We lost everything in the flood.\n\n"The water came at night," farmer Joseph Mwangi said.'
    )
    [q] = run(body, [("Joseph Mwangi", "PERSON", "Joseph Mwangi")])
    assert q.text == "We lost everything in the flood. The water came at night,"
    assert who(q) == ("Joseph Mwangi", "farmer", "said")


def test_quote_paragraph_without_cue_continues_last_speaker() -> None:
    body = (
        "Health Minister Jane Achieng said cholera cases had doubled in a week.\n\n"
        '"We need clean water before anything else."'
    )
    quotes = run(body, [("Jane Achieng", "PERSON", "Jane Achieng")])
    assert quotes[-1].speaker == "Jane Achieng" and quotes[-1].cue is None


# --- organisations, groups and unnamed speakers ----------------------------------------


def test_organisation_speaks_through_alias_and_office() -> None:
    body = (
        '"Aid cannot reach Gaza," UNRWA said.\n\n'
        "The UNRWA press office told the AFP news agency that two warehouses were hit."
    )
    names: Names = [("UNRWA", "ORG", "UN Relief and Works Agency"), ("AFP", "ORG", "AFP")]
    first, second = run(body, names)
    assert who(first) == ("UN Relief and Works Agency", None, "said")
    assert who(second) == ("UN Relief and Works Agency", "UNRWA press office", "told")
    assert second.kind == "indirect" and second.text == "two warehouses were hit"


def test_it_refers_to_last_organisation() -> None:
    body = (
        "The World Health Organization said it had recorded 300 attacks on clinics.\n\n"
        '"These are not targets," it said.'
    )
    quotes = run(body, [("World Health Organization", "ORG", "World Health Organization")])
    assert who(quotes[-1]) == ("World Health Organization", None, "said")


def test_unnamed_individual_and_definite_anaphora() -> None:
    body = (
        "In a video posted online, a masked militant commander called on fighters to hold "
        "the line.\n\n"
        '"Do not retreat," the commander said.\n\n'
        '"The bridge held," a witness said.'
    )
    first, second = run(body)
    assert who(first) == ("a masked militant commander", "a masked militant commander", "said")
    assert who(second) == ("a witness", "a witness", "said") and second.speaker_span is None


def test_description_anaphora_reuses_earlier_description() -> None:
    body = (
        "A senior rebel fighter based in Idlib told Reuters the group had new drones.\n\n"
        '"They reach 100 km," the fighter said.'
    )
    quotes = run(body, [("Idlib", "GPE", "Idlib"), ("Reuters", "ORG", "Reuters")])
    assert quotes[-1].speaker_title == "A senior rebel fighter based in Idlib"


def test_plural_group_phrase_is_the_speaker() -> None:
    body = "Western diplomats say the sanctions have barely dented Moscow's oil revenue."
    [q] = run(body, [("Moscow", "GPE", "Moscow")])
    assert who(q) == ("Western diplomats", None, "say") and q.kind == "indirect"


def test_org_officials_are_the_organisation() -> None:
    body = "Hamas officials said the proposal was still being studied."
    [q] = run(body, [("Hamas", "ORG", "Hamas")])
    assert who(q) == ("Hamas", "Hamas officials", "said")


def test_country_speaks() -> None:
    body = "Still, Russia said it would keep supplying gas through the pipeline."
    [q] = run(body, [("Russia", "GPE", "Russia")])
    assert who(q) == ("Russia", None, "said") and q.text.startswith("it would keep")


# --- partial quotes ---------------------------------------------------------------------


def test_partial_quote_with_cue_before() -> None:
    body = (
        "The head of the U.N. nuclear watchdog, Rafael Grossi, warned the board the "
        'situation at the plant was "extremely fragile" after the strike.'
    )
    names: Names = [("Rafael Grossi", "PERSON", "Rafael Grossi"), ("U.N.", "ORG", "United Nations")]
    [q] = run(body, names)
    assert q.kind == "partial" and q.text == "extremely fragile"
    assert who(q) == ("Rafael Grossi", "head of the U.N. nuclear watchdog", "warned")


def test_honorific_outside_the_name_mention() -> None:
    body = (
        "The commander of U.S. forces in the Middle East, Gen. Michael Kurilla, told "
        'senators the militia was "regrouping fast" in the desert.'
    )
    names: Names = [("Michael Kurilla", "PERSON", "Michael Kurilla"), ("U.S.", "GPE", "US")]
    [q] = run(body, names)
    assert who(q) == ("Michael Kurilla", "commander of U.S. forces in the Middle East", "told")


def test_partial_quote_with_cue_after() -> None:
    body = 'The strike was a "grave violation" of the truce, Foreign Minister Ayman Safadi said.'
    [q] = run(body, [("Ayman Safadi", "PERSON", "Ayman Safadi")])
    assert q.kind == "partial" and who(q) == ("Ayman Safadi", "Foreign Minister", "said")


def test_partial_quote_in_with_clause_and_participle_is_no_cue() -> None:
    body = (
        "Reports say the militia could have 5,000 men, with analysts cautioning they remain "
        '"well-armed" and a commander claiming to be in the city.'
    )
    [q] = run(body)
    assert q.text == "well-armed" and who(q) == ("analysts", None, "cautioning")


def test_partial_quote_without_reporting_context_is_dropped() -> None:
    assert run('The army launched a "decisive" offensive at dawn.') == []


def test_scare_quotes_and_titles_are_dropped_even_with_a_cue() -> None:
    body = (
        'Officials said the so-called "caliphate" had collapsed.\n\n'
        'The documentary "Lost in Mosul" was praised by critics, a festival juror told AFP.'
    )
    quotes = run(body, [("AFP", "ORG", "AFP")])
    assert [q.kind for q in quotes] == ["indirect", "indirect"]
    assert quotes[0].text == 'the so-called "caliphate" had collapsed'
    assert who(quotes[1]) == ("a festival juror", "a festival juror", "told")


# --- indirect quotes ----------------------------------------------------------------------


def test_indirect_told_that_with_title() -> None:
    body = (
        "Earlier Wednesday, army spokesman Col. Omar Diallo told Reuters that the rebels "
        "had withdrawn from two villages."
    )
    names: Names = [("Omar Diallo", "PERSON", "Omar Diallo"), ("Reuters", "ORG", "Reuters")]
    [q] = run(body, names)
    assert q.kind == "indirect" and q.text == "the rebels had withdrawn from two villages"
    assert who(q) == ("Omar Diallo", "army spokesman", "told")


def test_indirect_according_to_both_orders() -> None:
    body = (
        "According to the Health Ministry, 45 people were killed in the strikes.\n\n"
        "Turnout reached 61 percent, according to the electoral commission."
    )
    first, second = run(body, [("Health Ministry", "ORG", "Ministry of Health")])
    assert first.text == "45 people were killed in the strikes"
    assert who(first) == ("Ministry of Health", None, "According to")
    assert second.text == "Turnout reached 61 percent"
    assert who(second) == ("the electoral commission", "the electoral commission", "according to")


def test_indirect_before_attribution() -> None:
    body = "Both attacks were repelled overnight, the army said."
    [q] = run(body)
    assert q.text == "Both attacks were repelled overnight" and q.kind == "indirect"


def test_indirect_before_attribution_with_trailing_clause_and_at_least() -> None:
    body = (
        "The death toll rose above 2,000 on Sunday, a government spokesman said, as "
        "rescuers dug through rubble.\n\n"
        "Mujahid said at least 9,000 people had been injured."
    )
    first, second = run(body, [("Mujahid", "PERSON", "Zabihullah Mujahid")])
    assert first.text == "The death toll rose above 2,000 on Sunday"
    assert who(first) == ("a government spokesman", "a government spokesman", "said")
    assert second.text == "at least 9,000 people had been injured"
    assert second.speaker == "Zabihullah Mujahid"


def test_no_indirect_in_quoted_sentence_or_without_clause() -> None:
    body = (
        'The group claimed responsibility for the bombing. "We did it," a spokesman said.\n\n'
        "The mayor urged residents to stay indoors."
    )
    assert [q.kind for q in run(body)] == ["direct"]


def test_a_document_is_the_source_of_what_it_says() -> None:
    # dev 11: "the report said ..." is reported speech whose source is the report
    body = (
        "But the report said the gain in consumer spending was offset by companies "
        "restocking their inventories at a slower pace."
    )
    [q] = run(body)
    assert q.speaker == "the report" and q.speaker_span is None
    assert q.text.startswith("the gain in consumer spending was offset")


def test_the_statement_is_its_issuer_s() -> None:
    # dev 06
    body = (
        "Kenyan Defense Forces said in a statement that al-Shabab militia attacked a "
        "Somalian army base. The statement said the militants overran the camp but the "
        "Kenyans counterattacked, in support of the Somali troops."
    )
    _first, second = run(body, [("Kenyan Defense Forces", "ORG", "Kenyan Defense Forces")])
    assert second.speaker == "Kenyan Defense Forces"
    assert second.text.startswith("the militants overran the camp")


def test_said_takes_a_clause_with_an_irregular_or_present_verb() -> None:
    # dev 05 and 02
    body = (
        "Witnesses say the gunmen wore masks.\n\n"
        "President Uhuru Kenyatta vowed that the perpetrators will be caught. He said the "
        "government stands ready to defend the country from within and from outside.\n\n"
        "Witnesses in Tehran said Mousavi supporters took to their rooftops Sunday after "
        "sunset."
    )
    quotes = run(body, [("Uhuru Kenyatta", "PERSON", "Uhuru Kenyatta"),
                        ("Tehran", "GPE", "Tehran"), ("Mousavi", "PERSON", "Mousavi")])
    got = [(q.speaker, q.text) for q in quotes]
    assert ("Witnesses", "the gunmen wore masks") in got
    assert ("Uhuru Kenyatta", "the government stands ready to defend the country from within "
            "and from outside") in got
    assert ("Witnesses in Tehran", "Mousavi supporters took to their rooftops Sunday after "
            "sunset") in got


# --- generality: datelines, participle clauses, introductory places, appositions -------


def test_indirect_content_drops_the_story_dateline() -> None:
    body = (
        "NAIROBI (Reuters) - Flash floods have killed at least 38 people in Kenya since "
        "Monday, the Kenya Red Cross said on Wednesday.\n\n"
        "KYIV, Ukraine (AP) \u2014 Russian drones struck power plants across Ukraine overnight, "
        "officials said Saturday.\n\n"
        "GENEVA, March 3 (Reuters) - More than 10 million people have fled their homes, "
        "according to the International Organization for Migration."
    )
    names: Names = [
        ("Kenya Red Cross", "ORG", "Kenya Red Cross"),
        ("International Organization for Migration", "ORG", "IOM"),
        ("NAIROBI", "GPE", "Nairobi"),
    ]
    first, second, third = run(body, names)
    assert first.text.startswith("Flash floods have killed") and first.speaker == "Kenya Red Cross"
    assert second.text == "Russian drones struck power plants across Ukraine overnight"
    assert third.text == "More than 10 million people have fled their homes"
    assert third.speaker == "IOM"


def test_comma_saying_reports_the_main_clause_subject() -> None:
    body = (
        "The Kremlin dismissed the report, saying it was based on fabricated evidence.\n\n"
        "Hamas blamed Israel for the collapse of the talks on Sunday, saying it had added "
        "new conditions.\n\n"
        "Police fired tear gas at protesters in Nairobi, saying they had blocked a highway."
    )
    names: Names = [
        ("Kremlin", "ORG", "Kremlin"),
        ("Hamas", "ORG", "Hamas"),
        ("Israel", "GPE", "Israel"),
        ("Nairobi", "GPE", "Nairobi"),
    ]
    kremlin, hamas, police = run(body, names)
    assert kremlin.kind == "indirect" and kremlin.cue == "saying"
    assert kremlin.text == "it was based on fabricated evidence" and kremlin.speaker == "Kremlin"
    assert hamas.text == "it had added new conditions" and hamas.speaker == "Hamas"
    assert police.speaker == "Police" and police.text == "they had blocked a highway"


def test_comma_saying_without_a_clause_is_no_quote() -> None:
    body = "The minister left the room, saying goodbye to reporters at the door."
    assert run(body) == []


def test_introductory_place_is_not_the_speaker() -> None:
    body = (
        "In Gaza, Hamas, which runs the enclave, said the proposal was still being studied."
        "\n\nAt the United Nations, Russia, which holds a veto, said it would block the draft."
        "\n\nIn Kyiv, Zelenskiy, speaking after talks with Scholz, said Ukraine needed more "
        "air defence."
    )
    names: Names = [
        ("Gaza", "GPE", "Gaza"),
        ("Hamas", "ORG", "Hamas"),
        ("United Nations", "ORG", "United Nations"),
        ("Russia", "GPE", "Russia"),
        ("Kyiv", "GPE", "Kyiv"),
        ("Zelenskiy", "PERSON", "Volodymyr Zelenskiy"),
        ("Scholz", "PERSON", "Olaf Scholz"),
        ("Ukraine", "GPE", "Ukraine"),
    ]
    hamas, russia, zelenskiy = run(body, names)
    assert who(hamas) == ("Hamas", None, "said")
    assert who(russia) == ("Russia", None, "said")
    assert who(zelenskiy) == ("Volodymyr Zelenskiy", None, "said")


def test_participle_aside_is_no_title_and_no_speaker() -> None:
    body = (
        "Kino Gabriel, in a recording posted online, said the operation was nearly over.\n\n"
        'The statement, posted online by the group\'s media wing, said its fighters had '
        '"repelled" the assault.'
    )
    gabriel, statement = run(body, [("Kino Gabriel", "PERSON", "Kino Gabriel")])
    assert who(gabriel) == ("Kino Gabriel", None, "said")
    assert statement.kind == "partial" and statement.speaker == "The statement"
    assert statement.speaker_title == "The statement" and statement.speaker_span is None


def test_place_inside_an_apposition_leaves_the_group_as_speaker() -> None:
    body = (
        "Activists in El Fasher, the capital of North Darfur, said shelling killed at least "
        "12 people on Monday."
    )
    names: Names = [("El Fasher", "GPE", "El Fasher"), ("North Darfur", "GPE", "North Darfur")]
    [q] = run(body, names)
    assert q.speaker == "Activists in El Fasher"


def test_indefinite_spokesperson_is_unnamed_but_the_office_is_the_body() -> None:
    body = (
        "A Treasury spokeswoman said the ministry was \u201cconfident the law will stand\u201d."
        "\n\nThe Treasury press office said the rules would take effect in July."
    )
    first, second = run(body, [("Treasury", "ORG", "National Treasury")])
    assert who(first) == ("A Treasury spokeswoman", "A Treasury spokeswoman", "said")
    assert second.speaker == "National Treasury"


def test_the_aid_group_is_the_organisation_that_spoke_before() -> None:
    # Reuters-style: the organisation is named once, then referred to by what it is.
    body = (
        "The Turkish Red Crescent said it had sent 300 tents to the region. "
        '"We are doing everything we can," the aid group said in a statement.'
    )
    quotes = run(body, [("Turkish Red Crescent", "ORG", "Turkish Red Crescent")])
    direct = [q for q in quotes if q.kind == "direct"]
    assert [q.speaker for q in direct] == ["Turkish Red Crescent"]


def test_the_syrian_government_is_not_an_anaphor_for_the_last_organisation() -> None:
    body = (
        "The Islamic State said it had captured the town. "
        '"The town is under control," the Syrian government said.'
    )
    quotes = run(body, [("Islamic State", "ORG", "Islamic State"), ("Syrian", "NORP", "Syrian")])
    direct = [q for q in quotes if q.kind == "direct"]
    assert [q.speaker for q in direct] != ["Islamic State"]


def test_a_speaker_doing_two_things_is_the_subject_of_the_first() -> None:
    # AP-style: "<subject> <did something> and said <reported speech>".
    body = "Police arrested two men on Monday and said they were investigating a collapsed dam."
    [q] = run(body)
    assert q.kind == "indirect" and q.cue == "said"
    assert q.speaker == "Police"
    assert q.text == "they were investigating a collapsed dam"


def test_the_armed_group_is_not_a_first_verb() -> None:
    body = "The armed group seized the town and said it would hold elections."
    [q] = run(body)
    assert q.speaker_title != "The armed group seized the town and"


def test_two_reported_clauses_joined_by_and_said_are_two_quotes() -> None:
    body = (
        "Van Governor Murat Kaya told reporters that rescue teams had pulled 40 people from "
        "the water and said the search would continue through the night."
    )
    quotes = run(body, [("Murat Kaya", "PERSON", "Murat Kaya")])
    assert [(q.kind, q.speaker, q.cue, q.text) for q in quotes] == [
        ("indirect", "Murat Kaya", "told", "rescue teams had pulled 40 people from the water"),
        ("indirect", "Murat Kaya", "said", "the search would continue through the night"),
    ]


def test_a_two_city_dateline_is_not_part_of_the_reported_speech() -> None:
    body = ("CAIRO/GAZA, Jan 5 (Reuters) - Israeli air strikes killed at least 45 Palestinians "
            "on Sunday, health officials said.")
    [q] = run(body)
    assert q.text == "Israeli air strikes killed at least 45 Palestinians on Sunday"
    assert q.speaker == "health officials"


def test_a_named_ministry_speaks_as_an_organisation() -> None:
    body = ("The Gaza health ministry said more than 45,000 people had been killed since the "
            "war began.")
    [q] = run(body, [("Gaza", "GPE", "Gaza")])
    assert (q.speaker, q.speaker_title) == ("Gaza health ministry", None)


def test_a_ministry_official_is_still_a_person() -> None:
    body = "A Gaza health ministry official said the hospital had run out of fuel."
    [q] = run(body, [("Gaza", "GPE", "Gaza")])
    # an unnamed person (not the ministry): named by the description (FORMAT.md)
    assert q.speaker == q.speaker_title == "A Gaza health ministry official"
    assert q.speaker_span is None


def test_said_name_comma_title_keeps_the_title() -> None:
    body = ('"There is no safe place in Gaza," said Juliette Touma, communications director '
            "for UNRWA, the U.N. agency for Palestinian refugees.")
    [q] = run(body, [("Juliette Touma", "PERSON", "Juliette Touma"), ("UNRWA", "ORG", "UNRWA")])
    assert who(q) == ("Juliette Touma", "communications director for UNRWA", "said")


def test_an_organisations_country_branch_speaks_as_the_organisation() -> None:
    body = "Amnesty International Kenya said two protesters were shot dead in Nairobi."
    [q] = run(body, [("Amnesty International", "ORG", "Amnesty International"),
                     ("Kenya", "GPE", "Kenya"), ("Nairobi", "GPE", "Nairobi")])
    assert q.speaker == "Amnesty International"


def test_analysts_at_a_bank_speak_for_the_bank() -> None:
    body = "Analysts at Standard Chartered said they expected the first rate cut in July."
    [q] = run(body, [("Standard Chartered", "ORG", "Standard Chartered")])
    assert q.speaker == "Standard Chartered"


def test_said_country_title_name_is_the_person() -> None:
    body = ('"We are here to listen, and the door remains open," said U.S. special envoy '
            "Daniel Whitcomb, who is leading the mediation.")
    [q] = run(body, [("U.S.", "GPE", "United States"),
                     ("Daniel Whitcomb", "PERSON", "Daniel Whitcomb")])
    assert (q.speaker, q.speaker_title) == ("Daniel Whitcomb", "U.S. special envoy")


def test_a_new_office_is_not_the_last_organisation_that_spoke() -> None:
    body = ("Reuters reported the blast. Artillery shells hit a small market on Thursday "
            "morning, killing two men, the regional prosecutor's office said.")
    quotes = run(body, [("Reuters", "ORG", "Reuters")])
    assert all(q.speaker != "Reuters" for q in quotes)


def test_a_countrys_air_force_speaks_as_itself() -> None:
    body = "Ukraine's air force said Russia had launched 54 drones overnight."
    [q] = run(body, [("Ukraine", "GPE", "Ukraine"), ("Russia", "GPE", "Russia")])
    assert q.speaker == "Ukraine's air force"


def test_told_the_associated_press_is_a_listener_and_residents_who_fled_are_residents() -> None:
    body = ("Residents who fled Sinja in June told The Associated Press that RSF fighters "
            "looted homes and shot civilians who resisted.")
    [q] = run(body, [("Sinja", "GPE", "Sinja"), ("Associated Press", "ORG", "Associated Press"),
                     ("RSF", "ORG", "Rapid Support Forces")])
    assert q.text == "RSF fighters looted homes and shot civilians who resisted"
    assert q.speaker == "Residents"


def test_an_age_before_the_apposition_is_skipped() -> None:
    body = ('"They took everything, even the doors," said Fatima Idris, 52, a mother of five '
            "now living in a camp in Gedaref.")
    [q] = run(body, [("Fatima Idris", "PERSON", "Fatima Idris"), ("Gedaref", "GPE", "Gedaref")])
    assert q.speaker == "Fatima Idris"
    assert q.speaker_title is not None and q.speaker_title.startswith("a mother of five")


# --- real copy (dev corpus, issue #15): several reports in one sentence ----------------


def test_but_x_told_starts_a_second_report_and_said_a_third() -> None:
    # dev 06
    body = (
        "Al-Shabab says 60 Kenyan troops were killed in the clashes, but Deputy Gedo Governor "
        "Mohamed Hussein Isaak told VOA that at least 40 Kenyan soldiers were killed and said "
        "some troops managed to escape the base."
    )
    names: Names = [("Al-Shabab", "ORG", "al-Shabab"), ("Gedo", "GPE", "Gedo"),
                    ("Mohamed Hussein Isaak", "PERSON", "Mohamed Hussein Isaak"),
                    ("VOA", "ORG", "VOA")]
    got = [(q.speaker, q.cue, q.text) for q in run(body, names)]
    assert got == [
        ("al-Shabab", "says", "60 Kenyan troops were killed in the clashes"),
        ("Mohamed Hussein Isaak", "told", "at least 40 Kenyan soldiers were killed"),
        ("Mohamed Hussein Isaak", "said", "some troops managed to escape the base"),
    ]


def test_comma_adding_that_is_a_second_report_of_the_same_speaker() -> None:
    # dev 12
    body = (
        "The World Food Program director for West Africa, Denise Brown, says speed is of the "
        "essence in the Ebola crisis, adding that U.N. agencies are working around the clock "
        "to confront the virus."
    )
    names: Names = [("World Food Program", "ORG", "World Food Program"),
                    ("West Africa", "LOC", "West Africa"),
                    ("Denise Brown", "PERSON", "Denise Brown"), ("U.N.", "ORG", "U.N.")]
    got = [(q.speaker, q.cue, q.text) for q in run(body, names)]
    assert got == [
        ("Denise Brown", "says", "speed is of the essence in the Ebola crisis"),
        ("Denise Brown", "adding",
         "U.N. agencies are working around the clock to confront the virus"),
    ]


def test_reported_content_ends_before_the_writer_s_own_clause() -> None:
    # dev 03 and 09
    body = (
        "This vote was delayed several times, in part because the electoral commission said "
        "it was not ready, in part because of a continuing rebellion in the north.\n\n"
        "Omar said the bombings were carried out in retaliation for the military operation "
        "in the Bajaur tribal region on the Afghan border, a known stronghold of Taliban "
        "fighters."
    )
    first, second = run(body, [("Omar", "PERSON", "Malvi Omar")])
    assert first.text == "it was not ready"
    assert second.text.endswith("in the Bajaur tribal region on the Afghan border")


def test_an_institution_is_named_without_its_place() -> None:
    # dev 03: "electoral commission", the shortest form that identifies it
    body = (
        "The electoral commission in the Central African Republic says the president has "
        "been re-elected with nearly two thirds of the vote.\n\n"
        "The electoral commission says provisional results show the president has won."
    )
    first, second = run(body, [("Central African Republic", "GPE", "Central African Republic")])
    assert first.speaker == second.speaker == "The electoral commission"


def test_a_description_is_a_noun_phrase_not_a_clause() -> None:
    # dev 10, 02: "Not everyone", a relative clause's "those who" name no source
    body = (
        "Not everyone believes Greece will be able to repay its loans.\n\n"
        "The president condemned what he called cowardice and said the country would "
        "not bow to terror."
    )
    for q in run(body, [("Greece", "GPE", "Greece")]):
        assert q.speaker is None or not {"everyone", "he", "what"} & set(q.speaker.split())


def test_an_adverb_or_quantifier_before_the_cue_is_not_the_speaker() -> None:
    # dev 07 and 05
    body = (
        "Kim met Donald Trump in Singapore, while Trump unexpectedly said he was suspending "
        "military drills with South Korea.\n\n"
        "Canada and France each say two of their citizens were killed."
    )
    names: Names = [("Donald Trump", "PERSON", "Donald Trump"), ("Trump", "PERSON", "Donald Trump"),
                    ("Singapore", "GPE", "Singapore"), ("South Korea", "GPE", "South Korea"),
                    ("Canada", "GPE", "Canada"), ("France", "GPE", "France")]
    trump, pair = run(body, names)
    assert trump.speaker == "Donald Trump"
    assert trump.text == "he was suspending military drills with South Korea"
    assert pair.speaker == "Canada and France"


def test_the_spokesman_is_the_person_who_just_spoke() -> None:
    # dev 01
    body = (
        "A United Nations representative, Rashid Khalikov, says U.N. staffers are "
        "distributing supplies. He said some supplies are being moved into Burma.\n\n"
        "The spokesman said a number of aid workers are waiting in Bangkok."
    )
    names: Names = [("Rashid Khalikov", "PERSON", "Rashid Khalikov"),
                    ("Burma", "GPE", "Burma"), ("Bangkok", "GPE", "Bangkok")]
    assert [q.speaker for q in run(body, names)] == ["Rashid Khalikov"] * 3


def test_quoted_x_as_saying_reports_x() -> None:
    # dev 02 and 07
    body = (
        "State media also quote Parliament Speaker Ali Larijani as saying everyone should "
        "respect the opinions of the critics. He said the council should investigate.\n\n"
        "The official news agency on Wednesday quoted Kim as saying it is \"urgent\" that "
        "both countries \"make a bold decision on halting hostile military actions,\" while "
        "mentioning the pledge."
    )
    names: Names = [("Ali Larijani", "PERSON", "Ali Larijani"), ("Kim", "PERSON", "Kim Jong Un")]
    got = [(q.kind, q.speaker, q.text) for q in run(body, names)]
    assert got[:2] == [
        ("indirect", "Ali Larijani", "everyone should respect the opinions of the critics"),
        ("indirect", "Ali Larijani", "the council should investigate"),
    ]
    assert [(k, s) for k, s, _ in got[2:]] == [("partial", "Kim Jong Un")] * 2


def test_a_participle_cue_before_a_partial_quote_reports_the_main_subject() -> None:
    # dev 07
    body = (
        "U.S. President Donald Trump defended his agreement with North Korean leader Kim "
        "Jong Un, saying the world \"has taken a big step back from potential nuclear "
        "disaster.\""
    )
    names: Names = [("Donald Trump", "PERSON", "Donald Trump"),
                    ("Kim Jong Un", "PERSON", "Kim Jong Un")]
    [q] = run(body, names)
    assert (q.kind, q.speaker, q.cue) == ("partial", "Donald Trump", "saying")


def test_a_last_name_the_entities_found_can_speak() -> None:
    # dev 08: "Mutharika" is known only as the entity's last-name alias
    from agents.nlp.types import ResolvedEntity, Span
    from tests.unit.quote_doc import make_doc

    body = (
        "President Peter Mutharika lost the rerun.\n\n"
        "Mutharika, joined by his running mate, Atupele Muluzi, leader of the opposition "
        "United Democratic Front, told reporters the polls were marred by irregularities."
    )
    doc, entities = make_doc(body, [("Peter Mutharika", "PERSON", "Peter Mutharika"),
                                    ("Atupele Muluzi", "PERSON", "Atupele Muluzi")])
    at = body.index("Mutharika,")
    entities = [
        ResolvedEntity(e.name, e.type, ("Mutharika",), (*e.mentions, Span(at, at + 9)))
        if e.name == "Peter Mutharika" else e
        for e in entities
    ]
    [q] = attribute_quotes(doc, entities)
    assert q.speaker == "Peter Mutharika"


def test_the_president_is_the_president_named_before() -> None:
    # dev 05
    body = (
        "President Uhuru Kenyatta vowed that the perpetrators will be caught. The president "
        "said the country would not bow to terror.\n\n"
        '"Terrorism in and of itself is the philosophy of cowards."'
    )
    quotes = run(body, [("Uhuru Kenyatta", "PERSON", "Uhuru Kenyatta")])
    assert [q.speaker for q in quotes] == ["Uhuru Kenyatta"] * 3


def test_the_association_is_the_association_named_before() -> None:
    # fixture 05
    body = (
        '"Some of our members are paying 35% or more on loans," said Seth Agyemang, chief '
        "executive of the Association of Ghana Industries (AGI). The Ghana Statistical "
        "Service said inflation fell. The association said in a statement that at least 120 "
        "member companies had cut jobs over the past year."
    )
    names: Names = [("Seth Agyemang", "PERSON", "Seth Agyemang"),
                    ("Association of Ghana Industries", "ORG", "Association of Ghana Industries"),
                    ("Ghana Statistical Service", "ORG", "Ghana Statistical Service")]
    assert run(body, names)[-1].speaker == "Association of Ghana Industries"


def test_he_is_the_nearest_person_in_subject_position_not_the_last_speaker() -> None:
    # dev 05's shape: a new person becomes the subject before "He said"
    body = (
        "Secretary of State John Kerry said the United States stood with Kenya.\n\n"
        "President Uhuru Kenyatta visited the mall on Sunday with his ministers. He said the "
        "government stands ready to defend the country."
    )
    names: Names = [("John Kerry", "PERSON", "John Kerry"),
                    ("Uhuru Kenyatta", "PERSON", "Uhuru Kenyatta"),
                    ("United States", "GPE", "United States"), ("Kenya", "GPE", "Kenya")]
    assert [q.speaker for q in run(body, names)] == ["John Kerry", "Uhuru Kenyatta"]


def test_he_skips_a_person_who_is_only_an_object() -> None:
    body = (
        "Opposition leader Raila Odinga said the vote was rigged.\n\n"
        "Police arrested John Mbadi on Monday. He said the protests would go on."
    )
    names: Names = [("Raila Odinga", "PERSON", "Raila Odinga"),
                    ("John Mbadi", "PERSON", "John Mbadi")]
    assert [q.speaker for q in run(body, names)] == ["Raila Odinga", "Raila Odinga"]


def test_a_cue_between_commas_splits_the_reported_sentence() -> None:
    # dev 14, and the "But, X said, ..."
    body = (
        "Two of the planets, researchers said, are exposed to irradiation levels similar "
        "to Earth's.\n\n"
        "The talks, the minister said on Monday, would resume in Geneva next week."
    )
    first, second = run(body)
    assert (first.speaker, first.text) == (
        "researchers", "Two of the planets are exposed to irradiation levels similar to Earth's")
    assert (second.speaker, second.text) == (
        "the minister", "The talks would resume in Geneva next week")


def test_a_sentence_with_a_partial_quote_may_also_report_speech() -> None:
    # dev 07 and fixture 08
    body = (
        'Kim agreed Tuesday "to complete denuclearization of the Korean Peninsula" during '
        "the summit, while Trump unexpectedly said he was suspending military drills with "
        "South Korea.\n\n"
        "Otieno said his party would challenge the law in the High Court, and called on "
        "supporters to hold \u201cpeaceful vigils\u201d in Nairobi.\n\n"
        'The regional bloc said it was "deeply concerned" by the violence.'
    )
    names: Names = [("Kim", "PERSON", "Kim Jong Un"), ("Trump", "PERSON", "Donald Trump"),
                    ("Otieno", "PERSON", "Raphael Otieno"), ("Nairobi", "GPE", "Nairobi")]
    got = [(q.kind, q.text) for q in run(body, names) if q.kind == "indirect"]
    assert got == [
        ("indirect", "he was suspending military drills with South Korea"),
        ("indirect", "his party would challenge the law in the High Court"),
    ]


def test_the_president_is_the_person_titled_president_before() -> None:
    # dev 05
    body = (
        "VOA's reporter in Nairobi says there are concerns about the gunmen.\n\n"
        "Kenyan President Uhuru Kenyatta sought to reassure shaken Kenyans in an address. "
        "The president condemned what he called the cowardly act.\n\n"
        '"Terrorism in and of itself is the philosophy of cowards."'
    )
    names: Names = [("VOA", "ORG", "VOA"), ("Nairobi", "GPE", "Nairobi"),
                    ("Uhuru Kenyatta", "PERSON", "Uhuru Kenyatta")]
    assert run(body, names)[-1].speaker == "Uhuru Kenyatta"


def test_quoted_kim_known_by_his_family_name() -> None:
    # dev 07: "Kim" is the first word of "Kim Jong Un", and no mention of its own
    from agents.nlp.types import ResolvedEntity

    body = (
        "The official news agency on Wednesday quoted Kim as saying it is \"urgent\" that "
        "both countries halt hostile actions."
    )
    doc, entities = make_doc(body, [])
    entities = [ResolvedEntity("Kim Jong Un", "PERSON", ("Kim",), ())]
    [q] = attribute_quotes(doc, entities)
    assert q.speaker == "Kim Jong Un"


def test_agreed_introduces_a_partial_quote() -> None:
    # dev 07
    body = (
        'Kim agreed Tuesday "to complete denuclearization of the Korean Peninsula" during '
        "the historic summit, while Trump unexpectedly said he was suspending drills."
    )
    names: Names = [("Kim", "PERSON", "Kim Jong Un"), ("Trump", "PERSON", "Donald Trump")]
    partial = next(q for q in run(body, names) if q.kind == "partial")
    assert (partial.speaker, partial.cue) == ("Kim Jong Un", "agreed")


def test_an_introductory_place_is_not_swallowed_by_the_speaker() -> None:
    # the "In the neighboring X Province authorities" and "in what analysts"
    body = (
        "In the neighboring Northwest Frontier Province authorities said at least 12 "
        "people were killed in a bomb blast.\n\n"
        "The ministry raised rates again, in what analysts said was a bid to curb inflation."
    )
    names: Names = [("Northwest Frontier Province", "GPE", "Northwest Frontier Province")]
    first, second = run(body, names)
    assert first.speaker == "authorities in the Northwest Frontier Province"
    assert first.text == "at least 12 people were killed in a bomb blast"
    assert second.speaker == "analysts"


def test_issued_a_statement_saying_reports_the_issuer() -> None:
    # the "issued a statement saying"
    body = (
        "The Kenya Red Cross issued a statement saying 12 people had been rescued from the "
        "rubble.\n\n"
        "Reporters Without Borders released a video on Tuesday claiming two journalists "
        "had been detained."
    )
    names: Names = [("Kenya Red Cross", "ORG", "Kenya Red Cross"),
                    ("Reporters Without Borders", "ORG", "Reporters Without Borders")]
    got = [(q.speaker, q.cue, q.text) for q in run(body, names)]
    assert got == [
        ("Kenya Red Cross", "saying", "12 people had been rescued from the rubble"),
        ("Reporters Without Borders", "claiming", "two journalists had been detained"),
    ]


def test_partial_quote_in_single_marks_gets_its_speaker() -> None:
    body = "The opposition called the vote a \u2018masquerade\u2019, its leader Ali Musa said."
    [q] = run(body, [("Ali Musa", "PERSON", "Ali Musa")])
    assert (q.kind, q.text, q.speaker, q.cue) == ("partial", "masquerade", "The opposition",
                                                 "called")


def test_person_of_an_organisation_is_the_person() -> None:
    # fixture 02
    body = (
        "Seismologist Elif Tuncer of Bogazici University warned that the region could see "
        "strong aftershocks."
    )
    names: Names = [("Elif Tuncer", "PERSON", "Elif Tuncer"),
                    ("Bogazici University", "ORG", "Bogazici University")]
    [q] = run(body, names)
    assert q.speaker == "Elif Tuncer"


def test_a_negated_cue_reports_nothing() -> None:
    # fixture 01
    body = (
        "Ukraine's air force did not say what happened to the missiles.\n\n"
        "The ministry declined to say whether the talks would resume."
    )
    assert run(body, [("Ukraine", "GPE", "Ukraine")]) == []


def test_said_takes_a_clause_after_an_adjective_and_after_a_participle_comma() -> None:
    # fixture 08 and 07
    body = (
        "Opposition leader Raphael Otieno spoke next. He accused Chebet of misleading the "
        "House, and said independent estimates put the figure closer to 30 billion "
        "shillings.\n\n"
        "Chad's government has appealed for more support, saying the country, one of the "
        "poorest in the world, cannot shoulder the burden alone.\n\n"
        "The minister said goodbye to the staff at the ministry."
    )
    names: Names = [("Raphael Otieno", "PERSON", "Raphael Otieno"),
                    ("Chebet", "PERSON", "Margaret Chebet"), ("Chad", "GPE", "Chad")]
    got = [q.text for q in run(body, names)]
    assert got == [
        "independent estimates put the figure closer to 30 billion shillings",
        "the country, one of the poorest in the world, cannot shoulder the burden alone",
    ]


def test_content_then_said_and_an_inverted_subject() -> None:
    # fixtures 01 and 06
    body = (
        "A Shahed-type drone slammed into a nine-storey apartment block shortly after "
        "2 a.m., setting the upper floors ablaze, said Ivan Hordiienko, head of the Kharkiv "
        "regional police.\n\n"
        "The attackers stormed the village of Kisunga near Beni late on Saturday, burning "
        "houses and a health centre, said Jean-Paul Kambale, the administrator of Beni "
        "territory."
    )
    names: Names = [("Ivan Hordiienko", "PERSON", "Ivan Hordiienko"),
                    ("Kharkiv", "GPE", "Kharkiv"), ("Kisunga", "GPE", "Kisunga"),
                    ("Beni", "GPE", "Beni"), ("Jean-Paul Kambale", "PERSON", "Jean-Paul Kambale")]
    got = [(q.speaker, q.text) for q in run(body, names)]
    assert got == [
        ("Ivan Hordiienko", "A Shahed-type drone slammed into a nine-storey apartment block "
         "shortly after 2 a.m., setting the upper floors ablaze"),
        ("Jean-Paul Kambale", "The attackers stormed the village of Kisunga near Beni late on "
         "Saturday, burning houses and a health centre"),
    ]


def test_the_army_speaks_for_itself_and_a_platform_never_speaks() -> None:
    body = (
        "Prime Minister Shehbaz Sharif said on Twitter that relief teams had been sent. The "
        "army said in a statement it had evacuated 1,200 people.\n\n"
        "Pakistan's meteorological department warned that more rain was expected this week, "
        "though it said the worst was over."
    )
    names: Names = [("Shehbaz Sharif", "PERSON", "Shehbaz Sharif"), ("Twitter", "ORG", "Twitter"),
                    ("Pakistan", "GPE", "Pakistan")]
    speakers = [q.speaker for q in run(body, names)]
    assert "Twitter" not in speakers
    assert speakers[1] == "army" or speakers[1] == "The army"
    assert speakers[2] == speakers[3] == "Pakistan's meteorological department"


def test_he_after_he_stays_with_the_last_speaker() -> None:
    # fixture 04
    body = (
        "Whitcomb said the mediators had spoken by phone with army chief Gen. Abdel Fattah "
        "Burhan on Tuesday and urged him to send a delegation.\n\n"
        "RSF negotiator Omar Hamdan Saleh told reporters his delegation was ready for "
        "\u201ca comprehensive ceasefire across all of Sudan.\u201d He accused the army of "
        "\u201crunning away from peace.\u201d"
    )
    names: Names = [("Whitcomb", "PERSON", "Daniel Whitcomb"),
                    ("Abdel Fattah Burhan", "PERSON", "Abdel Fattah Burhan"),
                    ("Omar Hamdan Saleh", "PERSON", "Omar Hamdan Saleh")]
    assert run(body, names)[-1].speaker == "Omar Hamdan Saleh"
