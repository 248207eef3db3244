"""A generated evaluation corpus for story clustering (issue 14), deterministic per seed.

Wire stories are built from sentence templates filled with random names, places and
numbers; each is reprinted by 2-6 outlets with the edits syndication really shows
(agency prefixes and datelines, trimmed or added paragraphs, small wording fixes,
extraction boilerplate) and sometimes updated with added paragraphs (same story).
Hard negatives share the story's names, places and numbers: independent reports of the
same event and follow-ups a day or two later (different stories). All text is written
here, none is copied from an outlet.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

PEOPLE = [
    "Anna Lindqvist",
    "Mikhail Orlov",
    "Jens Halvorsen",
    "Petra Novak",
    "Tomasz Zielinski",
    "Elena Markova",
    "Oskar Berg",
    "Ruth Keller",
    "Dmitri Sokolov",
    "Ilse Brandt",
    "Marta Kowalska",
    "Viktor Petrenko",
    "Sofia Nieminen",
    "Lars Eriksen",
    "Jana Horakova",
    "Andrei Volkov",
    "Kristina Ozola",
    "Martin Kask",
    "Helena Sousa",
    "Pierre Lambert",
]
ROLES = [
    "foreign minister",
    "defence minister",
    "prime minister",
    "president",
    "spokesperson",
    "secretary general",
    "ambassador",
    "chief of staff",
    "parliament speaker",
    "envoy",
]
COUNTRIES = [
    "Sweden",
    "Finland",
    "Norway",
    "Poland",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Germany",
    "France",
    "Hungary",
    "Turkey",
    "Romania",
    "Georgia",
    "Moldova",
    "Ukraine",
    "Russia",
    "Denmark",
    "Slovakia",
    "Bulgaria",
    "Czechia",
]
CITIES = [
    "Stockholm",
    "Helsinki",
    "Oslo",
    "Warsaw",
    "Tallinn",
    "Riga",
    "Vilnius",
    "Berlin",
    "Paris",
    "Budapest",
    "Ankara",
    "Bucharest",
    "Tbilisi",
    "Chisinau",
    "Kyiv",
    "Moscow",
    "Copenhagen",
    "Bratislava",
    "Sofia",
    "Prague",
    "Brussels",
    "Vienna",
    "Madrid",
    "Rome",
]
TOPICS = [
    ("accession", "membership bid", "ratification vote"),
    ("defence pact", "security agreement", "signing ceremony"),
    ("military exercise", "joint drills", "deployment"),
    ("sanctions package", "new sanctions", "export ban"),
    ("gas pipeline", "energy deal", "supply contract"),
    ("border dispute", "border incident", "airspace violation"),
    ("arms delivery", "weapons package", "air defence systems"),
    ("summit", "leaders' meeting", "joint declaration"),
    ("election result", "parliamentary vote", "coalition talks"),
    ("cyber attack", "hacking campaign", "data breach"),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AGENCIES = ["Reuters", "AFP", "AP", "TASS", "dpa", "Interfax", "PAP", "ANSA"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]

# Sentence templates per paragraph role; {slots} come from the story's facts.
LEAD = [
    "{country} moved closer to the {t0} on {day} after {person}, the {role}, said the "
    "government would present the {t1} to lawmakers within {n1} days.",
    "The {role} of {country}, {person}, announced on {day} that talks on the {t0} had "
    "concluded, opening the way for a {t2} before the end of {month}.",
    "{person} said on {day} that {country} and {country2} had agreed the terms of the {t0}, "
    "a step officials in {city} described as the most important in {n1} years.",
    "Lawmakers in {city} backed the {t1} on {day} by {n2} votes to {n3}, clearing the last "
    "domestic hurdle for the {t0} that {country} has sought since {year}.",
    "Officials in {city} confirmed on {day} that the {t2} would go ahead, ending months of "
    "uncertainty over the {t0} between {country} and {country2}.",
]
BODY = [
    "The decision followed {n1} rounds of negotiations in {city2}, where delegations met "
    "behind closed doors and agreed to keep the details confidential until the {t2}.",
    "{person2}, who led the delegation of {country2}, told reporters that the outcome "
    "reflected a compromise reached after both sides dropped demands made in {year}.",
    "Under the agreement, {country} will contribute {n4} million euros over {n1} years and "
    "host a permanent liaison office in {city}, according to a document seen by reporters.",
    "Critics in the opposition said the government had rushed the {t1} and called for a "
    "public hearing, arguing that the costs had never been explained to voters.",
    "Analysts said the move would change the balance of power in the region, where "
    "{country2} has long opposed any expansion of foreign military presence.",
    "The foreign ministry of {country2} said it would study the text carefully and warned "
    "that it reserved the right to respond with measures of its own.",
    "A poll published last week showed {n5} percent of voters in {country} supporting the "
    "{t0}, up from {n6} percent a year earlier.",
    "Markets reacted calmly, with the main index in {city} closing {n7} percent higher and "
    "the currency little changed against the euro.",
    "Diplomats in {city2} said the {t2} could still be delayed if the parliament of "
    "{country2} fails to complete its own procedure before the summer recess.",
    "The {role} thanked partners for their patience and said the agreement showed that "
    "small countries could defend their interests through patient diplomacy.",
    "Security experts noted that {country} already takes part in {n1} joint missions and "
    "that the {t0} would mainly formalise cooperation that exists in practice.",
    "In {city2}, several hundred people gathered outside the parliament, some holding flags "
    "of {country} and others carrying banners against the {t1}.",
    "Officials said a working group of {n3} experts would draft the implementing rules, "
    "which must be approved by both governments within {n6} months.",
    "{person2} said the two sides would meet again in {month} to review progress and to "
    "settle the remaining technical questions on logistics and funding.",
]
BACKGROUND = [
    "{country} first raised the idea of the {t0} in {year}, but talks stalled for years "
    "amid disagreements over funding and the role of {country2}.",
    "The last comparable agreement in the region was signed in {year2}, when {country2} and "
    "its neighbours set up a joint command for air policing.",
    "Relations between {country} and {country2} have been strained since {year}, when a "
    "dispute over transit fees led to the expulsion of several diplomats.",
]
FOLLOW_LEAD = [
    "A day after the announcement on the {t0}, {person2} said {country2} would seek "
    "guarantees that no permanent bases are built near its border.",
    "{country2} summoned the ambassador of {country} on {day2} in protest at the {t1}, its "
    "foreign ministry said, calling the move a threat to regional stability.",
    "The opposition in {country} filed a legal challenge against the {t1} on {day2}, asking "
    "the constitutional court to suspend the {t2} until it rules.",
]
FOLLOW_BODY = [
    "The court is expected to decide within {n1} weeks whether to hear the case, lawyers "
    "for the opposition said at a news conference in {city}.",
    "Government officials dismissed the protest as predictable and said the {t0} was "
    "directed against nobody and open to inspection by any neighbour.",
    "{person} is due to travel to {city2} next week for talks that aides say will focus on "
    "reassuring partners about the timetable of the {t2}.",
    "Trading in {city} was subdued on {day2}, with investors waiting for clarity on how the "
    "dispute might affect energy supplies over the winter.",
    "Human rights groups asked both governments to publish the full text of the agreement "
    "and the annexes that set out the rules for foreign personnel.",
]
# Independent reports: the same facts in a reporter's own words.
OWN_LEAD = [
    "In a move long expected in {city}, {country} has taken the decisive step on the {t0}, "
    "with {person} telling a press briefing that the {t1} goes to parliament shortly.",
    "{country}'s {role} {person} used a {day} news conference to confirm what diplomats had "
    "hinted for weeks: the {t0} with {country2} is done, and the {t2} is next.",
    "It took {n1} years, {n2} votes in favour and a last-minute compromise, but {country} now "
    "has its {t0}, our correspondent in {city} reports.",
]
OWN_BODY = [
    "Speaking to this newspaper, a senior official who asked not to be named said the "
    "negotiators had worked through the night to close the final chapters.",
    "For ordinary people in {city2}, the agreement may mean little at first; shopkeepers we "
    "spoke to were more worried about prices than about the {t0}.",
    "Our analysis of the budget shows the {n4} million euros will come largely from funds "
    "that had been set aside for infrastructure projects in the north.",
    "Veterans of earlier talks recall how close the project came to collapse in {year}, when "
    "{country2} threatened to walk away over the question of command.",
    "Whether the {t2} passes smoothly depends on a handful of undecided deputies, several of "
    "whom told us they had not yet read the final text.",
    "The mood at the ministry was one of relief rather than celebration, with staff saying "
    "they had expected further delays until the very last day.",
    "Neighbouring capitals watched closely; in {city2}, commentators asked whether the "
    "{t0} would trigger similar requests from other governments in the region.",
]
BOILERPLATE_HEAD = [
    "Advertisement",
    "Share this article",
    "Listen to this article",
    "Reading time: 3 minutes",
]
BOILERPLATE_TAIL = [
    "Also read: Markets close mixed as investors await central bank decision",
    "Follow us on social media for the latest news.",
    "Reporting by staff; editing by the news desk.",
    "(c) All rights reserved. This material may not be republished without permission.",
    "Subscribe to our newsletter to receive the morning briefing.",
]
OWN_SENTENCES = [
    "This is a developing story and will be updated.",
    "The editors of this site have asked the ministry for further comment.",
    "Our correspondent adds that the mood in the capital remained calm.",
    "Readers can find our earlier coverage of the talks in the archive.",
]
UPDATE_PARAGRAPHS = [
    "UPDATE: Later on {day}, {person2} said {country2} would not block the {t2}, adding that "
    "the concerns raised earlier had been addressed in a side letter.",
    "The parliament of {country} scheduled the {t2} for {month} {n1}, a spokesperson said, "
    "after party leaders agreed on the order of business for the session.",
    "In a statement issued after the meeting, the government said the first funds of the "
    "{n4} million euros would be released within {n6} weeks of ratification.",
]
SYNONYMS = {
    "said": "stated",
    "announced": "declared",
    "government": "administration",
    "agreement": "accord",
    "talks": "negotiations",
    "warned": "cautioned",
    "officials": "authorities",
    "defence": "defense",
    "percent": "per cent",
    "parliament": "legislature",
}


@dataclass(frozen=True)
class CorpusDoc:
    """One generated article: its text, day and true story (cluster) label."""

    doc_id: str
    outlet: str
    story: str  # true cluster label: copies and updates of one wire story share it
    kind: str  # wire, copy, update, independent, follow-up
    day: date
    text: str


def _facts(rng: random.Random) -> dict[str, str]:
    topic = rng.choice(TOPICS)
    country, country2 = rng.sample(COUNTRIES, 2)
    city, city2 = rng.sample(CITIES, 2)
    person, person2 = rng.sample(PEOPLE, 2)
    year = rng.randint(1995, 2022)
    return {
        "t0": topic[0],
        "t1": topic[1],
        "t2": topic[2],
        "country": country,
        "country2": country2,
        "city": city,
        "city2": city2,
        "person": person,
        "person2": person2,
        "role": rng.choice(ROLES),
        "day": rng.choice(DAYS),
        "day2": rng.choice(DAYS),
        "month": rng.choice(MONTHS),
        "year": str(year),
        "year2": str(year - rng.randint(3, 20)),
        "n1": str(rng.randint(2, 12)),
        "n2": str(rng.randint(150, 300)),
        "n3": str(rng.randint(10, 140)),
        "n4": str(rng.randint(20, 900)),
        "n5": str(rng.randint(40, 80)),
        "n6": str(rng.randint(10, 39)),
        "n7": f"{rng.randint(1, 29) / 10:.1f}",
    }


# Function words mixed into the generated prose, and syllables of its content words.
FUNCTION_WORDS = tuple(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "was",
        "is",
        "were",
        "said",
        "would",
        "has",
        "have",
        "its",
        "their",
        "an",
        "it",
        "not",
        "but",
        "which",
        "after",
        "over",
        "also",
        "this",
        "they",
        "be",
        "been",
        "more",
        "than",
    ]
)
SYLLABLES = tuple(
    [
        "ka",
        "ro",
        "mi",
        "sen",
        "dal",
        "vor",
        "tis",
        "pel",
        "gan",
        "ru",
        "lo",
        "bek",
        "nar",
        "fi",
        "sta",
        "tor",
        "mel",
        "vin",
        "dro",
        "ash",
        "kel",
        "mar",
        "to",
        "pri",
        "sul",
        "ven",
        "o",
        "ba",
        "der",
        "lin",
    ]
)


def _content_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _prose(rng: random.Random, facts: dict[str, str]) -> str:
    """One sentence of generated prose (function words and pseudo-words) naming a fact."""
    words = [
        rng.choice(FUNCTION_WORDS) if rng.random() < 0.45 else _content_word(rng)
        for _ in range(rng.randint(12, 22))
    ]
    fact = facts[rng.choice(["person", "country", "city", "n1", "n4", "t0", "country2"])]
    words.insert(rng.randint(1, len(words) - 1), fact)
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, pool: list[str], facts: dict[str, str], n: int) -> str:
    """A template sentence (the facts) and ``n`` sentences of the story's own prose."""
    return " ".join([rng.choice(pool).format(**facts)] + [_prose(rng, facts) for _ in range(n)])


def wire_story(rng: random.Random, facts: dict[str, str]) -> list[str]:
    """The paragraphs of one wire story: a lead, 4-7 body paragraphs, a background one."""
    paras = [_paragraph(rng, LEAD, facts, 1)]
    paras += [_paragraph(rng, BODY, facts, rng.randint(1, 2)) for _ in range(rng.randint(4, 7))]
    paras.append(_paragraph(rng, BACKGROUND, facts, 1))
    return paras


def _fix_words(rng: random.Random, text: str, count: int) -> str:
    """Small wording fixes: a few words swapped for a synonym or another spelling."""
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if w.strip(".,").lower() in SYNONYMS]
    for i in rng.sample(spots, min(count, len(spots))):
        bare = words[i].strip(".,")
        words[i] = words[i].replace(bare, SYNONYMS[bare.lower()])
    return " ".join(words)


def syndicated_copy(rng: random.Random, paras: list[str], facts: dict[str, str]) -> str:
    """One outlet's copy: prefix or dateline, trims, additions, fixes, boilerplate."""
    out = list(paras)
    agency = rng.choice(AGENCIES)
    prefix = rng.choice(
        [
            f"({agency}) - ",
            f"{facts['city'].upper()}, {facts['month']} {facts['n1']} ({agency}) - ",
            f"{facts['city'].upper()} - ",
            "",
        ]
    )
    out[0] = prefix + out[0]
    if rng.random() < 0.5:  # trim the last paragraph or two
        out = out[: len(out) - rng.randint(1, 2)]
    if rng.random() < 0.4:  # a sentence of the outlet's own
        out.insert(rng.randint(1, len(out)), rng.choice(OWN_SENTENCES))
    out = [_fix_words(rng, p, rng.randint(0, 2)) for p in out]
    if rng.random() < 0.5:
        out.insert(0, rng.choice(BOILERPLATE_HEAD))
    if rng.random() < 0.6:
        out.extend(rng.sample(BOILERPLATE_TAIL, rng.randint(1, 2)))
    return "\n\n".join(out)


def updated_version(rng: random.Random, paras: list[str], facts: dict[str, str]) -> str:
    """The same wire story updated later: 1-3 paragraphs added (the same story)."""
    out = list(paras)
    for para in rng.sample(UPDATE_PARAGRAPHS, rng.randint(1, 3)):
        out.insert(rng.randint(1, len(out)), para.format(**facts))
    return "\n\n".join(out)


def independent_report(rng: random.Random, facts: dict[str, str]) -> str:
    """Another outlet's own report of the same event: same facts, its own words."""
    paras = [_paragraph(rng, OWN_LEAD, facts, 1)]
    paras += [_paragraph(rng, OWN_BODY, facts, rng.randint(1, 2)) for _ in range(rng.randint(3, 5))]
    # Reporters reuse a fact-laden sentence or two of the wire's phrasing.
    paras.append(" ".join(s.format(**facts) for s in rng.sample(BODY, 2)))
    return "\n\n".join(paras)


def follow_up(rng: random.Random, paras: list[str], facts: dict[str, str]) -> str:
    """A follow-up on the same event: a new lead and body, the background paragraph kept."""
    new = [_paragraph(rng, FOLLOW_LEAD, facts, 1)]
    new += [
        _paragraph(rng, FOLLOW_BODY, facts, rng.randint(1, 2)) for _ in range(rng.randint(3, 5))
    ]
    new.append(paras[-1])  # the wire's background paragraph, reused word for word
    return "\n\n".join(new)


def generate(seed: int, stories: int = 150, start: date = date(2025, 3, 1)) -> list[CorpusDoc]:
    """The corpus for ``seed``: ``stories`` wire stories, their copies and hard negatives."""
    rng = random.Random(seed)
    docs: list[CorpusDoc] = []
    for s in range(stories):
        facts = _facts(rng)
        label = f"s{seed}-{s}"
        # Stories land on a few busy days, so the window holds many of them at once.
        day = start + timedelta(days=rng.randint(0, 20))
        paras = wire_story(rng, facts)
        docs.append(CorpusDoc(f"{label}-wire", "wire", label, "wire", day, "\n\n".join(paras)))
        for c in range(rng.randint(2, 6)):
            lag = timedelta(days=rng.choice([0, 0, 0, 1, 2, 6]))
            text = syndicated_copy(rng, paras, facts)
            docs.append(CorpusDoc(f"{label}-copy{c}", f"outlet{c}", label, "copy", day + lag, text))
        if rng.random() < 0.3:
            text = updated_version(rng, paras, facts)
            docs.append(CorpusDoc(f"{label}-update", "wire", label, "update", day, text))
        for i in range(rng.randint(1, 2)):
            text = independent_report(rng, facts)
            docs.append(
                CorpusDoc(
                    f"{label}-own{i}", f"outlet{i}", f"{label}-own{i}", "independent", day, text
                )
            )
        if rng.random() < 0.5:
            text = follow_up(rng, paras, facts)
            lag = timedelta(days=rng.randint(1, 2))
            docs.append(
                CorpusDoc(
                    f"{label}-follow", "wire", f"{label}-follow", "follow-up", day + lag, text
                )
            )
    return docs


def pair_scores(docs: list[CorpusDoc], predicted: dict[str, str]) -> tuple[float, float]:
    """Pair precision and recall of ``predicted`` (doc id -> cluster) against the labels."""
    from collections import Counter

    by_story = Counter(d.story for d in docs)
    true_pairs = sum(n * (n - 1) // 2 for n in by_story.values())
    by_pred = Counter(predicted[d.doc_id] for d in docs)
    pred_pairs = sum(n * (n - 1) // 2 for n in by_pred.values())
    joint = Counter((d.story, predicted[d.doc_id]) for d in docs)
    both = sum(n * (n - 1) // 2 for n in joint.values())
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    return precision, recall


def words(text: str) -> list[str]:
    """Lower-case word tokens (for the similarity figures quoted in the docs)."""
    return re.findall(r"\w+", text.lower())
