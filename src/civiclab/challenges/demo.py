"""The challenges demo for the City of Eastbrook: three challenges, the idea box, about sixty
ideas, supports, comments, an evaluation with a selection, a merge and a moderation case.

The content is data at the top of this module; `seed_challenges` (a step of the demo seed in
`civiclab.demo.seed`) replays it through the challenges services, so the audit trail, the
counters, the notifications and the ledger entry of the selection are the real ones.

A seeded challenge lives through its phases in a moment: the services check phases by the
clock, so the demo moves a challenge's phase dates (`_run_phase`) before acting in each
phase, then sets the final dates through `challenge_set_phases`. Afterwards the timestamps of
ideas, supports, comments and status changes are spread back over the phases they belong to
(`_backdate`), so the pages read like a challenge that ran for weeks.

Idempotent: a challenge that exists already (looked up by its address) is left as it is; the
seed runs in one transaction, so a challenge is either complete or absent.
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class DemoPerson:
    """A demo account (same shape as the demo seed's people, so its login list prints it)."""

    email: str
    display_name: str
    description: str
    roles: tuple[str, ...] = ()


# --- people ---------------------------------------------------------------------------------
# Keys used in the content below. The first group comes from the demo seed itself.

SEED_PEOPLE = {
    "helen": "admin@eastbrook.example",
    "tom": "innovation-lead@eastbrook.example",
    "margaret": "decision-maker@eastbrook.example",
    "rajesh": "evaluator@eastbrook.example",
    "claire": "moderator@eastbrook.example",
    "owen": "staff@eastbrook.example",
    "amira": "amira.haddad@residents.example",
    "james": "james.whitfield@residents.example",
    "grace": "grace.mensah@residents.example",
    "ewa": "ewa.kowalska@residents.example",
    "noah": "noah.peters@residents.example",
}

# More of Eastbrook's staff: two more evaluators (a fair review needs three), and the people
# who handle housing repairs, streets and neighbourhoods day to day.
EXTRA_STAFF = {
    "priya": DemoPerson(
        "priya.shah@eastbrook.example",
        "Priya Shah",
        "Road Safety Team Leader, scores ideas",
        ("evaluator",),
    ),
    "daniel": DemoPerson(
        "daniel.brooks@eastbrook.example",
        "Daniel Brooks",
        "Finance Business Partner, scores ideas",
        ("evaluator", "staff"),
    ),
    "sofia": DemoPerson(
        "sofia.rossi@eastbrook.example",
        "Sofia Rossi",
        "Repairs Contact Centre Team Leader",
        ("staff",),
    ),
    "kwame": DemoPerson(
        "kwame.asante@eastbrook.example", "Kwame Asante", "Repairs Surveyor", ("staff",)
    ),
    "jason": DemoPerson(
        "jason.reid@eastbrook.example",
        "Jason Reid",
        "Repairs Operative (plumbing and heating)",
        ("staff",),
    ),
    "linda": DemoPerson(
        "linda.chen@eastbrook.example", "Linda Chen", "Neighbourhood Housing Officer", ("staff",)
    ),
    "anita": DemoPerson(
        "anita.kaur@eastbrook.example",
        "Anita Kaur",
        "Street Scene Enforcement Officer",
        ("staff",),
    ),
}

EXTRA_RESIDENTS = {
    "david": DemoPerson("david.okonkwo@residents.example", "David Okonkwo", "Resident, Riverside"),
    "sarah": DemoPerson(
        "sarah.lindqvist@residents.example", "Sarah Lindqvist", "Primary school teacher"
    ),
    "mohammed": DemoPerson(
        "mohammed.rahman@residents.example", "Mohammed Rahman", "Shopkeeper, Northgate"
    ),
    "beth": DemoPerson("bethany.clarke@residents.example", "Bethany Clarke", "Private tenant"),
    "tariq": DemoPerson("tariq.hussain@residents.example", "Tariq Hussain", "Van driver"),
    "olga": DemoPerson("olga.petrenko@residents.example", "Olga Petrenko", "Resident, Northgate"),
    "joan": DemoPerson(
        "joan.fairbairn@residents.example", "Joan Fairbairn", "Retired, litter-picking volunteer"
    ),
    "ravi": DemoPerson("ravi.sharma@residents.example", "Ravi Sharma", "Software developer"),
    "hannah": DemoPerson(
        "hannah.greenwood@residents.example", "Hannah Greenwood", "Riverside Residents' Group"
    ),
    "marcus": DemoPerson("marcus.bell@residents.example", "Marcus Bell", "Resident, Mill Lane"),
    "chloe": DemoPerson("chloe.adeyemi@residents.example", "Chloe Adeyemi", "Parent of two"),
    "fatima": DemoPerson("fatima.begum@residents.example", "Fatima Begum", "Community interpreter"),
    "liam": DemoPerson("liam.oconnor@residents.example", "Liam O'Connor", "Student"),
    "brian": DemoPerson(
        "brian.fletcher@residents.example", "Brian Fletcher", "Retired postman, Riverside"
    ),
    "yusuf": DemoPerson("yusuf.ali@residents.example", "Yusuf Ali", "Taxi driver"),
}

STAFF_KEYS = ("helen", "tom", "margaret", "rajesh", "claire", "owen", *EXTRA_STAFF)
RESIDENT_KEYS = ("amira", "james", "grace", "ewa", "noah", *EXTRA_RESIDENTS)


def demo_people() -> list[DemoPerson]:
    """The people this demo adds, for the list of logins."""
    return [*EXTRA_STAFF.values(), *EXTRA_RESIDENTS.values()]


# --- content --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoChallenge:
    slug: str
    title: str
    summary: str
    problem_statement: str
    goals: str
    needs: str
    audience: str
    innovation_types: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class DemoIdea:
    key: str
    author: str
    title: str
    summary: str
    description: str
    benefits: str
    beneficiaries: str
    types: tuple[str, ...]
    tags: tuple[str, ...]
    place: str = ""
    # How many people support it (taken from those who may).
    supporters: int = 0


@dataclass(frozen=True)
class Thread:
    """A comment and the conversation under it: (author key, text) pairs, each answering
    the one before."""

    author: str
    body: str
    replies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """Where an idea of the closed challenge ended, and why (shown on its page)."""

    status: str
    reason: str
    shortlist_reason: str = ""


SERVICE = "service_product"
PROCESS = "process"
ORGANISATIONAL = "organisational"
COMMUNICATION = "communication"
POLICY = "governance_policy"
CONCEPTUAL = "conceptual"

# --- 1. The public challenge, open for ideas ------------------------------------------------

FLY_TIPPING = DemoChallenge(
    slug="fly-tipping-northgate-riverside",
    title="How can we cut fly-tipping in Northgate and Riverside?",
    summary=(
        "Fly-tipping reports in Northgate and Riverside have doubled in three years. Tell us "
        "what would stop it, and help us design the answer at our workshop."
    ),
    problem_statement=(
        "In 2025 the council cleared 2,140 fly-tips in Northgate and Riverside wards, "
        "up from 1,050 in 2022. Clearing them cost £214,000, and each one takes a crew an "
        "average of 4.6 days to reach.\n\n"
        "Most are household items: mattresses, sofas, fridges and black bags, often left "
        "beside communal bins or in the lay-bys on Canal Street and Riverside Road. About "
        "one in five are trade waste. Only 31 fixed penalty notices were issued last year, "
        "because evidence is rarely good enough.\n\n"
        "Residents tell us the streets feel neglected, and that once one item is dumped, "
        "more follow within days."
    ),
    goals=(
        "- Fly-tips reported in the two wards down by a third within 18 months\n"
        "- Average time to clear a reported fly-tip under 2 working days\n"
        "- More residents (from 38% to 60%) who say their street is kept clean, in the "
        "annual residents' survey"
    ),
    needs=(
        "Ideas should be affordable within a pilot budget of about £60,000 for the first "
        "year. The council cannot collect trade waste for free, and enforcement has to be "
        "proportionate: we will not use cameras that record people's homes."
    ),
    audience="public",
    innovation_types=(SERVICE, PROCESS, COMMUNICATION),
    tags=("Fly-tipping", "Street cleaning", "Recycling", "Enforcement"),
)

FLY_TIPPING_IDEAS = (
    DemoIdea(
        key="hotspot-cameras",
        author="ewa",
        title="Redeployable cameras at the five worst hotspots",
        summary=(
            "Move a small set of cameras between the five places where most fly-tipping "
            "happens, with clear signs, so that dumpers can be identified and fined."
        ),
        description=(
            "Most fly-tips in the two wards happen in the same few places:\n\n"
            "1. the Canal Street lay-by\n"
            "2. the service road behind Northgate Parade\n"
            "3. the bottle bank on Riverside Road\n"
            "4. the garage block on Mill Lane\n"
            "5. Tanner's Alley\n\n"
            "Five solar-powered redeployable cameras (about **£4,500 each**) could be moved "
            "between them every few weeks. Signs saying *cameras in use* put many people off "
            "on their own. Footage would only be kept when something is dumped, and the "
            "cameras would point at the tipping spot, not at anyone's windows."
        ),
        benefits=(
            "Better evidence means more fixed penalty notices (£400) and prosecutions, and "
            "the signs deter. Other councils report drops of 50-70% at covered spots."
        ),
        beneficiaries="Residents living next to the hotspots; the street cleaning crews",
        types=(SERVICE,),
        tags=("Fly-tipping", "Enforcement"),
        place="Northgate and Riverside",
        supporters=17,
    ),
    DemoIdea(
        key="free-bulky-collection",
        author="grace",
        title="One free bulky-waste collection a year for every household",
        summary=(
            "Collection of a sofa or mattress costs £38. For families on low incomes that "
            "is the difference between booking it and leaving it outside."
        ),
        description=(
            "At the moment a bulky-waste collection costs **£38 for up to three items**. "
            "On our estate many people don't have a car and can't get to the tip, so old "
            "furniture ends up by the bins.\n\n"
            "My proposal: every household gets **one free collection a year** (up to three "
            "items), booked the same way as now. To keep the cost down it could start in "
            "Northgate and Riverside only, and be limited to households getting council tax "
            "support if it proves too expensive.\n\n"
            "The council already pays to clear these items when they are dumped, so part of "
            "the cost comes back."
        ),
        benefits=(
            "Fewer dumped mattresses and sofas; clearing one fly-tip costs the council about "
            "£100, more than a collection."
        ),
        beneficiaries="Households without a car, families on low incomes, tenants",
        types=(SERVICE, POLICY),
        tags=("Fly-tipping", "Recycling"),
        supporters=21,
    ),
    DemoIdea(
        key="pop-up-tip-days",
        author="amira",
        title="Pop-up tip days on the Riverside estate car park",
        summary=(
            "Once a month on a Saturday morning, bring skips and a reuse stall to the "
            "estate so people can get rid of big items without a car."
        ),
        description=(
            "The recycling centre on Hatherley Lane is **six miles away** and only open "
            "until 4pm. Most people on the Riverside estate can't get there.\n\n"
            "A pop-up tip day would bring:\n\n"
            "- two skips (general waste and metal)\n"
            "- a van for fridges and electricals\n"
            "- a stall run by the furniture reuse charity, so good items find a new home\n\n"
            "It could rotate between the Riverside estate car park, the Northgate Community "
            "Centre and the Mill Lane garages. Volunteers from the residents' group can help "
            "people carry things down."
        ),
        benefits="Big items collected before they are dumped; reuse of good furniture.",
        beneficiaries="Estate residents without a car, older and disabled residents",
        types=(SERVICE,),
        tags=("Fly-tipping", "Recycling", "Community"),
        place="Riverside estate car park",
        supporters=15,
    ),
    DemoIdea(
        key="report-with-photo",
        author="noah",
        title="Report a fly-tip in 30 seconds with a photo and a map pin",
        summary=(
            "The online form has 14 questions. A photo, a pin on the map and an optional "
            "note would be enough, and the crew would see exactly what to bring."
        ),
        description=(
            "I tried to report a dumped fridge on Canal Street and gave up halfway: the "
            "form asks for **14 things**, including the nearest lamp post number.\n\n"
            "A better report would ask for:\n\n"
            "- a photo (the crew can see if they need the big van)\n"
            "- the location from the phone, adjustable on a map\n"
            "- an optional note\n\n"
            "The reporter would get a reference and a message when it's cleared. Reports "
            "could go straight to the crew's tablet instead of being re-typed by the "
            "contact centre."
        ),
        benefits="More reports, better information for crews, faster clearance.",
        beneficiaries="Anyone who reports a fly-tip; the contact centre; crews",
        types=(SERVICE, PROCESS),
        tags=("Fly-tipping", "Digital"),
        supporters=19,
    ),
    DemoIdea(
        key="check-your-carrier",
        author="tariq",
        title="Campaign: check the waste carrier before you pay",
        summary=(
            "Much fly-tipped waste was handed to a cheap 'man with a van' found online. A "
            "campaign on local Facebook groups could show how to check a carrier's licence."
        ),
        description=(
            "I drive a van for a living and I see the adverts every week: *rubbish removed, "
            "any job, £40*. Many of those people are not licensed and dump the load in the "
            "nearest lay-by. The householder can be fined **£400** too.\n\n"
            "A campaign could:\n\n"
            "- post short videos in the Northgate and Riverside Facebook groups\n"
            "- show how to check a waste carrier licence on the Environment Agency register "
            "(it takes a minute)\n"
            "- remind people to get a receipt with the carrier's name and number\n\n"
            "Licensed local carriers could be listed on the council website."
        ),
        benefits="Fewer loads handed to rogue carriers; householders protected from fines.",
        beneficiaries="Householders, licensed local carriers",
        types=(COMMUNICATION,),
        tags=("Fly-tipping", "Enforcement"),
        supporters=9,
    ),
    DemoIdea(
        key="landlord-licensing",
        author="beth",
        title="Landlords must arrange waste removal when a tenancy ends",
        summary=(
            "End-of-tenancy clear-outs are behind many dumped mattresses. Make a waste plan "
            "a condition of the selective licensing scheme for private landlords."
        ),
        description=(
            "When a tenancy ends in a shared house, everything left behind often goes "
            "straight onto the pavement. Northgate is already in the **selective licensing "
            "area**, so landlords need a licence anyway.\n\n"
            "The licence conditions could require landlords to:\n\n"
            "- provide enough bins for the number of tenants\n"
            "- arrange a bulky-waste collection or licensed carrier when a tenancy ends\n"
            "- keep the receipt for six months\n\n"
            "Breaking a licence condition can already lead to a civil penalty, so no new "
            "powers are needed."
        ),
        benefits="Stops one of the biggest sources of dumped furniture at its origin.",
        beneficiaries="Neighbours of shared houses; tenants who are blamed for it",
        types=(POLICY,),
        tags=("Fly-tipping", "Housing"),
        place="Northgate selective licensing area",
        supporters=12,
    ),
    DemoIdea(
        key="mattress-take-back",
        author="olga",
        title="Mattress take-back with the furniture shops on Northgate High Street",
        summary=(
            "Ask the four bed and furniture shops to take away the old mattress when they "
            "deliver a new one, with the council covering part of the recycling cost."
        ),
        description=(
            "Mattresses are the item we see dumped most often, and they can't go in any "
            "bin. Some big retailers already take the old one away for a fee.\n\n"
            "The council could agree with the four shops on Northgate High Street that old "
            "mattresses are taken back on delivery for **£10**, with the council paying the "
            "recycling company's charge. A sticker on the shop window would show the scheme."
        ),
        benefits="Fewer mattresses dumped; mattress recycling instead of landfill.",
        beneficiaries="Residents buying a new bed; local shops get a selling point",
        types=(SERVICE, ORGANISATIONAL),
        tags=("Fly-tipping", "Recycling"),
        place="Northgate High Street",
        supporters=8,
    ),
    DemoIdea(
        key="clean-up-kits",
        author="joan",
        title="Borrow a community clean-up kit from the library",
        summary=(
            "Litter pickers, hoops, gloves and hi-vis vests to borrow like a book, with the "
            "council collecting the bags afterwards."
        ),
        description=(
            "Our litter-picking group has run monthly clean-ups in Riverside for four years. "
            "The hardest part for new groups is getting the kit.\n\n"
            "Northgate and Riverside libraries could each keep **two kits** (ten pickers, "
            "bag hoops, gloves, vests and a first aid box). You borrow one with your library "
            "card, tell the council where the bags will be, and the crew collects them on "
            "Monday.\n\n"
            "A kit costs about £180."
        ),
        benefits="More volunteer clean-ups; streets that look cared for attract less dumping.",
        beneficiaries="Residents' groups, schools, faith groups, neighbours",
        types=(SERVICE,),
        tags=("Community", "Street cleaning"),
        place="Northgate and Riverside libraries",
        supporters=11,
    ),
    DemoIdea(
        key="open-data-map",
        author="ravi",
        title="Publish a live map of fly-tips and how fast each was cleared",
        summary=(
            "Open data on every report (place, date, type, days to clear) on a public map, "
            "so residents can see the problem and whether things improve."
        ),
        description=(
            "The council already records every report in the street cleaning system. "
            "Publishing it as **open data**, without any personal details, would let "
            "anyone see:\n\n"
            "- where fly-tipping happens, week by week\n"
            "- how long each report took to clear\n"
            "- whether the measures in this challenge work\n\n"
            "I'd be happy to help build the map with volunteers from the local developer "
            "meet-up; it just needs a daily CSV export."
        ),
        benefits="Transparency; better-targeted patrols; a baseline for the challenge's goals.",
        beneficiaries="Residents, councillors, journalists, the street scene team",
        types=(SERVICE, COMMUNICATION),
        tags=("Fly-tipping", "Digital", "Open data"),
        supporters=7,
    ),
    DemoIdea(
        key="swap-shop",
        author="hannah",
        title="A swap shop for furniture in the empty unit on Station Parade",
        summary=(
            "Furniture in good condition goes to a reuse shop instead of the kerb, run with "
            "a local charity in a council-owned unit that has been empty for two years."
        ),
        description=(
            "Unit 4 on Station Parade belongs to the council and has been empty since 2024. "
            "A furniture reuse charity could run it as a **swap shop**:\n\n"
            "- residents drop off or book a free pick-up of items in good condition\n"
            "- families referred by social workers and the food bank get items free\n"
            "- everyone else pays a small price\n\n"
            "A peppercorn rent and a grant for the first year's van would be enough to start."
        ),
        benefits="Less waste, cheaper furniture for families setting up home, a few jobs.",
        beneficiaries="Families moving into empty flats, people leaving homelessness",
        types=(SERVICE, ORGANISATIONAL),
        tags=("Recycling", "Community"),
        place="4 Station Parade, Northgate",
        supporters=14,
    ),
    DemoIdea(
        key="mill-lane-garages",
        author="marcus",
        title="Light and gate the Mill Lane garage block",
        summary=(
            "The dark dead-end behind the Mill Lane garages is dumped on every week. Two "
            "lights and a gate with a code for garage tenants would end it."
        ),
        description=(
            "I live opposite the Mill Lane garages. Since the last light failed in 2023 the "
            "space behind them has become a dumping ground: **34 reports in one year**, by "
            "my count.\n\n"
            "- repair the two lights (or fit solar ones)\n"
            "- fit a gate with a keypad; the 22 garage tenants get the code\n"
            "- cut back the hedge so the space can be seen from the road\n\n"
            "This is designing the problem out rather than chasing it."
        ),
        benefits="An end to dumping at one of the worst spots, and a safer walk home.",
        beneficiaries="Mill Lane residents, garage tenants",
        types=(SERVICE,),
        tags=("Fly-tipping", "Community safety"),
        place="Mill Lane garages",
        supporters=6,
    ),
    DemoIdea(
        key="canal-street-planters",
        author="chloe",
        title="Turn the Canal Street lay-by into a planted pocket park",
        summary=(
            "Nobody dumps a sofa in a garden. Replace the lay-by with raised planters and a "
            "bench, looked after by the primary school and neighbours."
        ),
        description=(
            "The Canal Street lay-by is the **single worst hotspot** in the ward. It's a "
            "strip of tarmac nobody uses for parking any more.\n\n"
            "Raised planters built from recycled timber, a bench and a small sign saying who "
            "looks after it would change how the place feels. St Anne's Primary has offered "
            "to plant bulbs with Year 4, and the allotment society can help with watering.\n\n"
            "Estimated cost: £9,000 for planters, soil and a bench."
        ),
        benefits="Removes a hotspot for good and gives the street a green space.",
        beneficiaries="Canal Street residents, pupils of St Anne's Primary",
        types=(SERVICE,),
        tags=("Fly-tipping", "Parks", "Community"),
        place="Canal Street lay-by",
        supporters=16,
    ),
    DemoIdea(
        key="investigation-stickers",
        author="owen",
        title="'Under investigation' stickers on every dumped item",
        summary=(
            "Crews put a bright sticker on a fly-tip when it's reported and search it for "
            "evidence, so residents see that something is happening."
        ),
        description=(
            "From the crews' side: it can take days to clear a fly-tip, and during that "
            "time neighbours think nobody cares. More gets added to the pile.\n\n"
            "When an enforcement officer or crew first sees a fly-tip, they would:\n\n"
            "- search it for names and addresses (letters, parcels)\n"
            "- put a bright sticker on it: *Under investigation. Dumping waste can lead to "
            "a fine of up to £1,000*\n"
            "- record the sticker number in the report\n\n"
            "Stickers cost a few pence each."
        ),
        benefits="Less adding to existing piles; residents see action.",
        beneficiaries="Residents, street crews",
        types=(PROCESS, COMMUNICATION),
        tags=("Fly-tipping", "Enforcement"),
        supporters=5,
    ),
    DemoIdea(
        key="waste-champions",
        author="sarah",
        title="Year 6 waste champions in every primary school",
        summary=(
            "Pupils learn where waste goes, visit the recycling centre and run a clean-up "
            "and a poster campaign on their own street."
        ),
        description=(
            "Children are very persuasive with their parents. In my class, a project on "
            "plastic changed what half the families put in their bins.\n\n"
            "A **waste champions** programme for Year 6 could include a visit to the "
            "recycling centre, a lesson on what fly-tipping costs the city, a clean-up "
            "around the school, and a poster competition whose winners are printed on the "
            "side of the bin lorries."
        ),
        benefits="Long-term change in habits; families reached through their children.",
        beneficiaries="Pupils and their families in the 12 primary schools of the two wards",
        types=(COMMUNICATION,),
        tags=("Schools", "Recycling"),
        supporters=10,
    ),
    DemoIdea(
        key="multilingual-leaflets",
        author="fatima",
        title="Explain bins and bulky waste in the languages people read",
        summary=(
            "Many new arrivals in Northgate have never been told how bins and bulky "
            "collections work here. Short guides in six languages, handed out in person."
        ),
        description=(
            "As an interpreter I meet families who were fined for putting bags out on the "
            "wrong day. Nobody explained the rules in a language they read.\n\n"
            "Short picture-based guides in **Polish, Romanian, Urdu, Arabic, Somali and "
            "Tigrinya**, explaining:\n\n"
            "- which bin is for what and when it's collected\n"
            "- how to book a bulky collection and what it costs\n"
            "- what happens if waste is dumped\n\n"
            "Handed out by community organisations and with every new council tenancy."
        ),
        benefits="Fewer mistakes, fewer fines, and people who feel welcome.",
        beneficiaries="New arrivals, community organisations, neighbours",
        types=(COMMUNICATION,),
        tags=("Recycling", "Community"),
        place="Northgate",
        supporters=9,
    ),
    DemoIdea(
        key="clear-within-24h",
        author="david",
        title="Clear every reported fly-tip within 24 hours",
        summary=(
            "A dedicated rapid-response crew for the two wards. Rubbish left for days "
            "attracts more rubbish; rubbish gone the next morning does not."
        ),
        description=(
            "It now takes **4.6 days on average** to clear a fly-tip. In that time a single "
            "mattress becomes a pile.\n\n"
            "A rapid-response crew (two people and a caged van) working only in Northgate "
            "and Riverside could clear most reports within 24 hours. Cost: about £85,000 a "
            "year, part of it paid back by fewer big clearances."
        ),
        benefits="Less 'copycat' dumping; streets that look cared for.",
        beneficiaries="All residents of the two wards",
        types=(SERVICE, PROCESS),
        tags=("Street cleaning", "Fly-tipping"),
        supporters=13,
    ),
    DemoIdea(
        key="evidence-reward",
        author="liam",
        title="A £50 voucher when your evidence leads to a fine",
        summary=(
            "Residents who send photos or footage that lead to a fixed penalty get a £50 "
            "voucher for a local shop."
        ),
        description=(
            "People see fly-tipping happen but don't report it, because they think nothing "
            "will come of it. A small reward would change that.\n\n"
            "If a photo or doorbell video leads to a **fixed penalty notice**, the person "
            "who sent it gets a £50 voucher for a Northgate or Riverside shop. The £400 "
            "fine more than pays for it."
        ),
        benefits="More evidence, more fines, and money spent in local shops.",
        beneficiaries="Residents, local shops",
        types=(POLICY,),
        tags=("Enforcement",),
        supporters=3,
    ),
    DemoIdea(
        key="street-skip-days",
        author="mohammed",
        title="Street skip days: neighbours share a subsidised skip",
        summary=(
            "A street books a skip for a Saturday, the council pays half, and neighbours "
            "clear out their sheds and gardens together."
        ),
        description=(
            "A skip costs about **£280**, too much for one household but not for a street. "
            "If six neighbours share, and the council pays half, it's £23 each.\n\n"
            "The council would only need a booking page and an agreement with two local skip "
            "companies. Each booking needs a named organiser who makes sure the skip isn't "
            "filled by outsiders."
        ),
        benefits="Big clear-outs done properly, and neighbours get to know each other.",
        beneficiaries="Terraced streets without front gardens or parking",
        types=(SERVICE,),
        tags=("Recycling", "Community"),
        supporters=6,
    ),
    DemoIdea(
        key="book-by-text",
        author="brian",
        title="Book a bulky collection by text message or phone",
        summary=(
            "Bulky collections can only be booked online. Many older residents can't, so "
            "allow booking and paying by text or a short phone call."
        ),
        description=(
            "My neighbour is 84 and has no internet. To get rid of her old armchair she had "
            "to wait for her son to visit and book it on his phone.\n\n"
            "Let people **text BULKY and the items** to a number, get a call back with a "
            "date, and pay by card over the phone or at the post office. The contact centre "
            "already takes payments for parking permits this way."
        ),
        benefits="Nobody left out of a service that prevents dumping.",
        beneficiaries="Older residents, people without internet access",
        types=(SERVICE, PROCESS),
        tags=("Recycling", "Digital inclusion"),
        supporters=8,
    ),
    DemoIdea(
        key="trolley-deposits",
        author="james",
        title="Get the superstore to collect its trolleys from the riverbank",
        summary=(
            "Abandoned trolleys from the Riverside superstore end up in the river and on "
            "the towpath. Coin deposits and a weekly collection round would stop it."
        ),
        description=(
            "On my ride along the towpath I counted **23 trolleys** in one week, most from "
            "the Riverside superstore. Dumped trolleys become a magnet for other rubbish.\n\n"
            "The store could fit coin locks again, join a trolley-collection scheme that "
            "picks up reported trolleys within 24 hours, and pay the council's recovery "
            "charge for every trolley the council has to collect."
        ),
        benefits="A cleaner towpath and river; costs paid by the business, not taxpayers.",
        beneficiaries="Towpath users, anglers, the canal trust",
        types=(POLICY,),
        tags=("Street cleaning",),
        place="Riverside towpath",
        supporters=5,
    ),
    DemoIdea(
        key="trade-waste-checks",
        author="anita",
        title="Trade waste checks for every shop on Northgate High Street",
        summary=(
            "About one in five fly-tips is trade waste. Visit all 120 businesses once, "
            "check their waste contracts, and help the smallest ones find a cheap one."
        ),
        description=(
            "From the enforcement side: about **20% of what we clear is trade waste**, "
            "mostly cardboard and food waste from the High Street.\n\n"
            "Businesses must have a waste contract and keep waste transfer notes. A two-week "
            "blitz visiting all 120 businesses would check each one, explain the rules, "
            "offer the council's own trade waste service, and follow up after a month.\n\n"
            "Similar campaigns elsewhere found a third of businesses without a contract."
        ),
        benefits="Less commercial waste on the street; fair competition between shops.",
        beneficiaries="High Street residents and compliant businesses",
        types=(PROCESS,),
        tags=("Enforcement", "Fly-tipping"),
        place="Northgate High Street",
        supporters=7,
    ),
    DemoIdea(
        key="street-champions",
        author="amira",
        title="A named street champion for every street",
        summary=(
            "Volunteers who know their street, report problems early, and are the first "
            "contact for the council's street scene team."
        ),
        description=(
            "Every street has someone who notices everything. Make it official:\n\n"
            "- volunteers sign up as **street champion** for their street\n"
            "- they get a direct line to the street scene team and a kit\n"
            "- they hear back about every report they make\n"
            "- twice a year the champions meet the ward councillors\n\n"
            "In Riverside we already have a WhatsApp group for this; the council just needs "
            "to connect to it."
        ),
        benefits="Early reports, more trust, and a network for other neighbourhood issues.",
        beneficiaries="Residents, ward councillors, the street scene team",
        types=(ORGANISATIONAL, COMMUNICATION),
        tags=("Community",),
        supporters=10,
    ),
    DemoIdea(
        key="bottle-bank-move",
        author="hannah",
        title="Move the Riverside Road bottle bank into the superstore car park",
        summary=(
            "The bottle bank on the Riverside Road verge is a dumping magnet. In the "
            "superstore car park it would be lit, watched by staff and easy to reach."
        ),
        description=(
            "The bottle bank sits on a verge with no lighting and no houses facing it. Bags "
            "and boxes are left beside it almost every day.\n\n"
            "The superstore has a corner of its car park next to its own recycling point. "
            "Moving the bank there means:\n\n"
            "- lighting and the store's CCTV already cover it\n"
            "- people can recycle while they shop\n"
            "- the verge can be grassed over\n\n"
            "The store manager told our residents' group they are open to it."
        ),
        benefits="Ends a daily hotspot at almost no cost.",
        beneficiaries="Riverside Road residents, shoppers",
        types=(SERVICE,),
        tags=("Recycling", "Fly-tipping"),
        place="Riverside Road",
        supporters=12,
    ),
    DemoIdea(
        key="bottle-bank-duplicate",
        author="brian",
        title="Relocate the bottle bank on Riverside Road, it's a magnet for dumping",
        summary=(
            "Rubbish is dumped next to the Riverside Road bottle bank every week. Move it "
            "somewhere lit and overlooked, such as the supermarket car park."
        ),
        description=(
            "I walk past the bottle bank on Riverside Road every morning. There is almost "
            "always something dumped next to it: bin bags, boxes, once a whole kitchen.\n\n"
            "It's on a dark verge where nobody can see. Please **move it to the supermarket "
            "car park** or another place with lights and people around."
        ),
        benefits="Less rubbish on Riverside Road.",
        beneficiaries="People living and walking on Riverside Road",
        types=(SERVICE,),
        tags=("Recycling",),
        place="Riverside Road",
        supporters=6,
    ),
    DemoIdea(
        key="railway-embankment",
        author="liam",
        title="Work with the railway to clear and fence the embankment",
        summary=(
            "Rubbish thrown over the fence behind Sidings Close lands on railway land the "
            "council cannot clear. A joint clean-up and a taller fence would fix it."
        ),
        description=(
            "Behind **Sidings Close** there is years of rubbish on the railway embankment. "
            "It isn't council land, so reports get closed with *not our responsibility*.\n\n"
            "The council could arrange a joint clean-up with the railway's community team, "
            "ask for the broken fence to be replaced with a taller one, and agree who "
            "handles future reports so residents aren't sent back and forth."
        ),
        benefits="A long-standing eyesore cleared; clear responsibility for the future.",
        beneficiaries="Sidings Close residents",
        types=(ORGANISATIONAL,),
        tags=("Street cleaning",),
        place="Sidings Close railway embankment",
        supporters=4,
    ),
    DemoIdea(
        key="late-opening-tip",
        author="david",
        title="Open the recycling centre until 8pm on Thursdays",
        summary=(
            "Hatherley Lane closes at 4pm on weekdays, before most people finish work. One "
            "late evening a week would help people who can't go at weekends."
        ),
        description=(
            "Saturday queues at Hatherley Lane are often **over an hour**. On weekdays it "
            "closes at 4pm, so anyone working can only go at the weekend.\n\n"
            "Opening until 8pm on Thursdays (April to October at first) would spread the "
            "visits, and is cheaper than dealing with what people dump when they give up."
        ),
        benefits="Shorter queues, fewer people giving up and dumping.",
        beneficiaries="Working residents with a car or van",
        types=(SERVICE,),
        tags=("Recycling",),
        place="Hatherley Lane recycling centre",
        supporters=9,
    ),
)

FLY_TIPPING_MERGE = {
    "source": "bottle-bank-duplicate",
    "target": "bottle-bank-move",
    "actor": "claire",
    "reason": (
        "Both ideas ask to move the Riverside Road bottle bank somewhere lit and overlooked. "
        "We have merged them so that the support and the comments count together; Brian "
        "Fletcher is now a co-author of the idea."
    ),
}

# --- 2. The staff-only challenge, in review -------------------------------------------------

HOUSING_REPAIRS = DemoChallenge(
    slug="housing-repairs-time",
    title="Halve the time it takes to process a housing repair request",
    summary=(
        "A routine repair in a council home takes 31 working days from the tenant's call to "
        "the finished job. Staff: how do we get it to 15?"
    ),
    problem_statement=(
        "Eastbrook manages 11,800 council homes and receives about 28,000 repair "
        "requests a year. A routine repair now takes a median of 31 working days from "
        "first contact to completion; the target in the tenancy agreement is 20.\n\n"
        "Mapping the process last autumn showed that the work itself is rarely the slow "
        "part. A request passes through up to six hands: the contact centre, a triage "
        "officer, a surveyor, the scheduler, the operative and the stores. Details are "
        "typed into two systems, 38% of jobs need a second visit because the right part "
        "was not on the van, and tenants chase by phone, which creates more work.\n\n"
        "This challenge is for staff only: you know where the time goes."
    ),
    goals=(
        "- Median time for a routine repair down from 31 to 15 working days by March 2027\n"
        "- First-time fix rate up from 62% to 80%\n"
        "- Calls chasing a repair down by half\n"
        "- Tenant satisfaction with repairs from 64% to 80%"
    ),
    needs=(
        "Changes to the repairs system must go through the IT change board (allow eight "
        "weeks). Emergency repairs (24 hours) and gas safety visits must not be slowed "
        "down. No extra headcount in 2026/27, but money for tools, training or van stock "
        "can be found."
    ),
    audience="staff",
    innovation_types=(PROCESS, ORGANISATIONAL, SERVICE),
    tags=("Housing repairs", "Tenants", "Digital"),
)

HOUSING_REPAIRS_IDEAS = (
    DemoIdea(
        key="book-own-slot",
        author="sofia",
        title="Tenants book their own appointment slot when they report",
        summary=(
            "Show available operative slots while the tenant is on the phone or online, so "
            "the appointment is made at the first contact instead of days later."
        ),
        description=(
            "Today we log the request, the scheduler books it later and then tries to reach "
            "the tenant to confirm. **One in four** first attempts to confirm fails.\n\n"
            "If the contact centre (and the online form) could see the trade's free slots "
            "for the tenant's patch, the appointment would be agreed at the first call. "
            "The repairs system has a slot-booking module we already pay for but never "
            "switched on."
        ),
        benefits="Days saved on every routine job; fewer 'no access' visits.",
        beneficiaries="Tenants, schedulers, contact centre advisers",
        types=(PROCESS, SERVICE),
        tags=("Housing repairs", "Digital"),
        supporters=9,
    ),
    DemoIdea(
        key="photo-triage",
        author="kwame",
        title="Photo and video triage instead of a surveyor visit",
        summary=(
            "For leaks, broken fittings and damp, ask the tenant for a photo or a short "
            "video call. Half of pre-inspection visits could be skipped."
        ),
        description=(
            "About **9,000 pre-inspections** a year are done in person, and many only "
            "confirm what a photo would have shown. Each costs a surveyor about an hour "
            "with travel.\n\n"
            "Proposal:\n\n"
            "- the tenant sends photos with the report, or we arrange a 10-minute video "
            "call\n"
            "- the surveyor decides from the office: order the job, the parts, and the trade\n"
            "- visits only where the photos aren't enough or for structural issues\n\n"
            "We trialled this informally during the 2021 lockdown and it worked."
        ),
        benefits="Surveyor time freed for complex cases; jobs ordered days earlier.",
        beneficiaries="Surveyors, tenants (fewer days waiting in)",
        types=(PROCESS,),
        tags=("Housing repairs",),
        supporters=10,
    ),
    DemoIdea(
        key="van-stock",
        author="jason",
        title="Carry the 50 most-used parts on every van",
        summary=(
            "Second visits are mostly about parts. Stock every van with the 50 parts that "
            "cover most routine jobs, refilled weekly from the stores."
        ),
        description=(
            "I keep my own list of what I go back for: tap cartridges, cistern valves, "
            "radiator valves, door closers, window hinges. **38% of our jobs need a second "
            "visit**, most because the part wasn't on the van.\n\n"
            "The stores data can tell us the 50 parts used most. Put a standard kit on each "
            "van (about £1,200 of stock per van), with a weekly top-up scanned at the "
            "depot."
        ),
        benefits="Higher first-time fix rate; fewer return visits and tenants waiting in.",
        beneficiaries="Operatives, tenants, the stores team",
        types=(PROCESS,),
        tags=("Housing repairs",),
        supporters=11,
    ),
    DemoIdea(
        key="one-job-number",
        author="sofia",
        title="One job number from the first call to completion",
        summary=(
            "A repair gets a new reference in each system it passes through. Give it one "
            "number the tenant and every team can use."
        ),
        description=(
            "When a tenant calls to chase, they read out the reference we gave them, but "
            "the job may be under a different number in the scheduling system and a third "
            "in stores. Finding it takes advisers **4-5 minutes per call**.\n\n"
            "One reference, created at first contact and carried through every system, "
            "would make chasing calls shorter and let us text the tenant updates."
        ),
        benefits="Shorter calls, fewer lost jobs, a base for tenant updates.",
        beneficiaries="Contact centre, schedulers, tenants",
        types=(PROCESS,),
        tags=("Housing repairs", "Digital"),
        supporters=6,
    ),
    DemoIdea(
        key="no-double-keying",
        author="helen",
        title="Stop typing every repair twice: connect the CRM to the repairs system",
        summary=(
            "Advisers type each request into the CRM and again into the repairs system. An "
            "integration would save about 3,500 hours a year and remove errors."
        ),
        description=(
            "Every repair request is entered in the customer system and then re-keyed into "
            "the repairs system, on average **7.5 minutes per request**.\n\n"
            "Both systems have APIs. An integration that creates the repair job from the "
            "CRM case (and sends status changes back) would take about 10 weeks of "
            "developer time, including the change board. Addresses would come from the "
            "property register, so fewer jobs would go to the wrong flat."
        ),
        benefits="About 3,500 adviser hours a year; fewer errors; real-time status for tenants.",
        beneficiaries="Contact centre advisers, tenants",
        types=(PROCESS, SERVICE),
        tags=("Digital", "Housing repairs"),
        supporters=8,
    ),
    DemoIdea(
        key="patch-scheduling",
        author="jason",
        title="Schedule operatives by area, not by trade queue",
        summary=(
            "Operatives cross the city several times a day. Give each a patch and let the "
            "multi-skilled ones take small jobs of other trades."
        ),
        description=(
            "On a normal day I drive from Northgate to Hollins Park and back twice. Jobs are "
            "allocated from a city-wide queue per trade.\n\n"
            "If operatives worked in four patches, travel time would drop, and operatives "
            "would get to know the estates. Small jobs from another trade (a sticking door "
            "for a plumber) could be done on the same visit."
        ),
        benefits="Less travel time, more jobs per day, lower fuel costs.",
        beneficiaries="Operatives, tenants",
        types=(ORGANISATIONAL, PROCESS),
        tags=("Housing repairs",),
        supporters=7,
    ),
    DemoIdea(
        key="on-the-way-text",
        author="linda",
        title="Text tenants when the operative is on the way",
        summary=(
            "An 'on my way, about 30 minutes' text cuts 'no access' visits, which are 11% of "
            "all appointments."
        ),
        description=(
            "**11% of appointments** end with nobody home. Tenants are told 'between 8 and "
            "1', step out to the shop, and miss us.\n\n"
            "The operatives' tablets already know the next job. A button *on my way* would "
            "send the tenant a text with an estimated arrival time."
        ),
        benefits="Fewer wasted visits; tenants don't need to wait in all morning.",
        beneficiaries="Tenants, operatives",
        types=(SERVICE, COMMUNICATION),
        tags=("Housing repairs", "Tenants"),
        supporters=10,
    ),
    DemoIdea(
        key="priority-definitions",
        author="rajesh",
        title="Clear repair priorities with examples, used by everyone",
        summary=(
            "Advisers, triage and surveyors label the same job differently. One illustrated "
            "list of what is emergency, urgent and routine would end the re-grading."
        ),
        description=(
            "About **one job in six is re-graded** after the first contact, which sends it "
            "back to the start of a different queue.\n\n"
            "A short, illustrated guide (*no heating in winter with a child under 5: "
            "urgent*, *dripping tap: routine*) agreed by all teams, built into the adviser's "
            "script and the online form, would make the first grading right."
        ),
        benefits="Fewer re-graded jobs; fair treatment of tenants.",
        beneficiaries="Tenants, advisers, triage officers",
        types=(PROCESS,),
        tags=("Housing repairs",),
        supporters=5,
    ),
    DemoIdea(
        key="stuck-jobs-huddle",
        author="tom",
        title="A 15-minute weekly huddle on stuck jobs",
        summary=(
            "Each Monday, one person from each team looks at the jobs older than 20 days "
            "and agrees who unblocks each one."
        ),
        description=(
            "Jobs don't get stuck in one team; they get stuck between teams. A weekly "
            "stand-up with contact centre, surveying, scheduling and stores, looking at a "
            "list of jobs over 20 days old, would catch them.\n\n"
            "Each stuck job leaves the huddle with a named owner and a date."
        ),
        benefits="Old jobs cleared; patterns behind delays become visible.",
        beneficiaries="Tenants waiting longest, all repair teams",
        types=(ORGANISATIONAL,),
        tags=("Housing repairs",),
        supporters=4,
    ),
    DemoIdea(
        key="pre-approve-small-jobs",
        author="daniel",
        title="Approve jobs under £250 without a supervisor's sign-off",
        summary=(
            "Every variation above the job's original value waits for approval, even for a "
            "£12 part. Give operatives and surveyors authority up to £250."
        ),
        description=(
            "From the finance side: approvals for variations under £250 make up **42% of "
            "all approvals** but only 6% of the money. Each waits on average two days.\n\n"
            "Raising the limit for operatives and surveyors to £250, with a monthly review "
            "of the totals by supervisor, keeps control while removing the wait."
        ),
        benefits="Two days saved on thousands of jobs; supervisors free for real decisions.",
        beneficiaries="Operatives, surveyors, supervisors",
        types=(PROCESS, POLICY),
        tags=("Housing repairs",),
        supporters=7,
    ),
    DemoIdea(
        key="damp-fast-lane",
        author="linda",
        title="A fast lane for damp and mould reports",
        summary=(
            "Damp and mould can harm health and the law now sets deadlines. Route these "
            "reports to a small specialist team with its own visit and treatment slots."
        ),
        description=(
            "Damp and mould cases are a growing share of my caseload, and they bounce "
            "between repairs and tenancy teams.\n\n"
            "A small **damp team** (a surveyor, an operative and a housing officer) with "
            "protected slots would inspect within 10 working days, treat the mould, fix the "
            "cause, and go back after six weeks to check."
        ),
        benefits="Health risks dealt with quickly; fewer complaints and legal claims.",
        beneficiaries="Tenants in homes with damp, especially children and older people",
        types=(ORGANISATIONAL, SERVICE),
        tags=("Housing repairs", "Tenants"),
        supporters=9,
    ),
    DemoIdea(
        key="fix-during-gas-visit",
        author="jason",
        title="Fix small things during the annual gas safety visit",
        summary=(
            "We visit every home once a year for the gas check. Ask the tenant then about "
            "small repairs and fix them on the spot if they take under 20 minutes."
        ),
        description=(
            "Gas engineers enter **every home once a year**. Many tenants mention a dripping "
            "tap or a loose handle, and we tell them to call the contact centre.\n\n"
            "If the engineer could log and fix small jobs during the visit, it would save a "
            "call, a booking and a visit for each."
        ),
        benefits="Thousands of small jobs done without a separate visit.",
        beneficiaries="Tenants, contact centre",
        types=(PROCESS,),
        tags=("Housing repairs",),
        supporters=6,
    ),
    DemoIdea(
        key="stage-dashboard",
        author="daniel",
        title="A dashboard of time spent at each stage, per team",
        summary=(
            "We measure only the total time. Showing the days spent at each stage would "
            "show where the 31 days actually go."
        ),
        description=(
            "The performance report shows one number: days from request to completion. "
            "Nobody can see if the time is lost in triage, waiting for parts or waiting for "
            "a slot.\n\n"
            "A weekly dashboard, built from the repairs system's timestamps, with the median "
            "days per stage and per team, would point each team at its own bottleneck."
        ),
        benefits="Managers act on evidence; progress towards 15 days visible to all.",
        beneficiaries="Repairs managers and teams",
        types=(PROCESS,),
        tags=("Housing repairs", "Open data"),
        supporters=5,
    ),
    DemoIdea(
        key="self-help-videos",
        author="claire",
        title="Short videos for fixes tenants can safely do themselves",
        summary=(
            "Bleeding a radiator, resetting a boiler, unblocking a sink. Simple guides would "
            "prevent thousands of requests."
        ),
        description=(
            "About **2,000 requests a year** are for things tenants can safely do: bleed a "
            "radiator, reset a boiler after a pressure drop, reset a tripped switch.\n\n"
            "Two-minute videos with operatives, subtitled and in the main community "
            "languages, linked from the online form before the tenant submits, would "
            "resolve some of these on the spot."
        ),
        benefits="Fewer avoidable requests; quicker fixes for tenants.",
        beneficiaries="Tenants, contact centre",
        types=(COMMUNICATION,),
        tags=("Tenants",),
        supporters=3,
    ),
)

# --- 3. The closed challenge: evaluated, shortlisted and selected ---------------------------

SCHOOL_RUN = DemoChallenge(
    slug="safer-school-run",
    title="How might we make walking and cycling to school safer?",
    summary=(
        "Six in ten Eastbrook pupils live within a mile of school, but fewer than half walk "
        "or cycle. We asked families, schools and staff for ideas to make the school run "
        "safer."
    ),
    problem_statement=(
        "62% of Eastbrook's primary pupils live within a mile of their school, yet 48% "
        "are driven. The school run makes up about a quarter of morning peak traffic.\n\n"
        "In 2025, nine children were injured on roads within 400 metres of a school gate. "
        "Parents tell us they would let their children walk or cycle if the streets outside "
        "the school felt safe: parking on the zigzags, speeding on Hollins Road and narrow "
        "pavements are the complaints we hear most."
    ),
    goals=(
        "- More pupils walking, cycling or scooting to school: from 52% to 65% in the "
        "schools taking part (Hands Up survey)\n"
        "- No child injured within 400 metres of a school gate in the pilot area\n"
        "- Cleaner air at the school gate at drop-off time"
    ),
    needs=(
        "A pilot budget of £150,000 from the active travel fund, to be spent within 12 "
        "months. Schemes on the road need a traffic order and consultation with residents."
    ),
    audience="public",
    innovation_types=(SERVICE, POLICY, COMMUNICATION),
    tags=("Road safety", "Cycling", "Schools"),
)

SCORECARD_GUIDANCE = (
    "Score each idea against the four criteria on a scale of 1 to 5. Read the full "
    "description before scoring and note any assumption you make in the comment. Cost is "
    "scored the other way round: 1 is cheap, 5 is expensive."
)

# (name, guidance, weight, lower is better)
CRITERIA = (
    (
        "Impact on children's safety",
        "How much will this reduce the risk to children walking and cycling? 5: large, "
        "measurable reduction at several schools.",
        Decimal("40"),
        False,
    ),
    (
        "Cost to the council",
        "Capital and first-year running cost. 1: under £10,000; 3: about £50,000; 5: over "
        "£150,000.",
        Decimal("20"),
        True,
    ),
    (
        "Deliverable within 12 months",
        "Can it be running within the pilot year, including any traffic order? 5: yes, "
        "with no dependencies.",
        Decimal("25"),
        False,
    ),
    (
        "Support from families and schools",
        "Evidence that schools, parents and neighbours want it and will take part.",
        Decimal("15"),
        False,
    ),
)

# The evaluators of the closed challenge and how each tends to score (added to every score).
SCHOOL_RUN_EVALUATORS = {"rajesh": 0.0, "priya": 0.3, "daniel": -0.4}

SCHOOL_RUN_IDEAS = (
    DemoIdea(
        key="school-streets",
        author="james",
        title="School Streets: close the road outside the gate at drop-off and pick-up",
        summary=(
            "Close the street outside the school to through traffic for 45 minutes twice a "
            "day, with cameras enforcing it. Residents and blue badge holders keep access."
        ),
        description=(
            "A **School Street** is a timed closure of the road outside a school at the "
            "start and end of the day. Children walk and cycle right up to the gate, "
            "and parents who drive park a few streets away.\n\n"
            "I propose a pilot at three schools where the road outside is a residential "
            "street:\n\n"
            "- St Mary's Primary (Church Walk)\n"
            "- Riverside Primary (Weir Lane)\n"
            "- Hollins Park Primary (Beech Avenue)\n\n"
            "Closures from 8:15 to 9:00 and 14:45 to 15:30, enforced with number-plate "
            "cameras (about £18,000 per school), under an experimental traffic order so "
            "the scheme can be adjusted after six months.\n\n"
            "Exemptions: residents of the street, blue badge holders, carers, deliveries "
            "to homes, and emergency vehicles."
        ),
        benefits=(
            "Safer gates, cleaner air (studies of School Streets show NO₂ down by up to "
            "a quarter), more children walking."
        ),
        beneficiaries="Pupils and families of three schools, residents of the streets",
        types=(SERVICE, POLICY),
        tags=("Road safety", "Schools"),
        place="St Mary's, Riverside and Hollins Park primaries",
        supporters=19,
    ),
    DemoIdea(
        key="bike-bus",
        author="chloe",
        title="A weekly bike bus from Northgate to Hollins Park Primary",
        summary=(
            "Children cycle to school together on a set route every Friday, led by trained "
            "parent volunteers, with a marshal at each junction."
        ),
        description=(
            "A **bike bus** is a group ride on a fixed route with 'stops' where children "
            "join. Parents say they would let their children cycle if they weren't alone.\n\n"
            "Route: from the Northgate Community Centre along Elm Row and the canal path to "
            "Hollins Park Primary, 1.8 miles with two stops. Every Friday, starting with "
            "the summer term.\n\n"
            "We need ride-leader training for eight parents (£600), hi-vis vests, and the "
            "council's help with a risk assessment and marshalling at the Hollins Road "
            "crossing."
        ),
        benefits="Confident young cyclists; fewer cars; a visible, joyful example for others.",
        beneficiaries="Pupils at Hollins Park Primary and their families",
        types=(SERVICE, COMMUNICATION),
        tags=("Cycling", "Schools"),
        place="Northgate to Hollins Park Primary",
        supporters=15,
    ),
    DemoIdea(
        key="twenty-mph",
        author="grace",
        title="20 mph limits on every street around a primary school",
        summary=(
            "Make 20 mph the limit within 500 metres of every primary school, with signs "
            "painted on the road."
        ),
        description=(
            "Hollins Road outside two schools is still **30 mph**, and many drivers do "
            "more. At 20 mph a driver can stop in half the distance.\n\n"
            "A 20 mph limit within 500 metres of all 41 primary schools, signed and with "
            "roundels painted on the road, would be a clear, city-wide rule."
        ),
        benefits="Fewer and less severe injuries; calmer streets.",
        beneficiaries="All pupils walking to the 41 primary schools",
        types=(POLICY,),
        tags=("Road safety",),
        supporters=12,
    ),
    DemoIdea(
        key="bikeability-parents",
        author="sarah",
        title="Free Bikeability training for Year 6 pupils and their parents together",
        summary=(
            "Children learn to ride on the road at school, but parents don't. Train them "
            "together so families can ride to school as a group."
        ),
        description=(
            "Bikeability level 2 is offered to Year 6, but parents who haven't ridden for "
            "years won't let their children ride on roads they wouldn't ride themselves.\n\n"
            "Family sessions on two Saturday mornings (bike check, road positioning, a "
            "practice ride on the route to school) for 200 families a year, with loan bikes "
            "for parents who don't have one."
        ),
        benefits="Families who ride together, and parents who trust the route.",
        beneficiaries="Year 6 pupils and their parents",
        types=(SERVICE,),
        tags=("Cycling", "Schools"),
        supporters=8,
    ),
    DemoIdea(
        key="park-and-stride",
        author="david",
        title="Park and stride from the leisure centre car park",
        summary=(
            "Parents who have to drive park at the leisure centre and walk the last 600 "
            "metres with their children, with staff on the crossing."
        ),
        description=(
            "The Hollins Park leisure centre car park is **nearly empty before 9:30**. It's "
            "a 7-minute walk from two schools.\n\n"
            "Free parking until 9:30 for parents, a signed walking route, and a crossing "
            "patrol at Hollins Road would take cars away from the school gates."
        ),
        benefits="Fewer cars at the gate, and every child gets a short walk.",
        beneficiaries="Families who have to drive, pupils of two schools",
        types=(SERVICE,),
        tags=("Road safety", "Schools"),
        place="Hollins Park leisure centre",
        supporters=7,
    ),
    DemoIdea(
        key="crossing-patrols",
        author="joan",
        title="Bring back school crossing patrols at the three busiest junctions",
        summary=(
            "Patrols were cut in 2016. Restore them at Hollins Road, the Station Parade "
            "junction and Weir Lane."
        ),
        description=(
            "When the crossing patrols were cut in 2016, the three busiest crossings lost "
            "theirs. I was one of them, and I still see children dodging traffic on Hollins "
            "Road.\n\n"
            "Three part-time patrol officers would cost about **£36,000 a year**."
        ),
        benefits="Safe crossing at the three most dangerous points.",
        beneficiaries="Pupils crossing at the three junctions",
        types=(SERVICE,),
        tags=("Road safety",),
        place="Hollins Road, Station Parade, Weir Lane",
        supporters=11,
    ),
    DemoIdea(
        key="footprint-trail",
        author="liam",
        title="Painted footprint trails on the pavements to school",
        summary=(
            "Colourful footprints and animal tracks painted on the safest walking routes, "
            "so children know the way and enjoy the walk."
        ),
        description=(
            "Painted trails make walking to school a game and mark the safest route. Each "
            "school could design its own with the pupils.\n\n"
            "About £1,500 per school for paint and a contractor."
        ),
        benefits="Walking becomes fun; routes are visible to parents.",
        beneficiaries="Younger pupils and their families",
        types=(COMMUNICATION,),
        tags=("Schools",),
        supporters=6,
    ),
    DemoIdea(
        key="scooter-shelters",
        author="noah",
        title="Covered bike and scooter parking at every primary school",
        summary=(
            "Many schools have nowhere dry to leave a scooter or bike. Covered stands would "
            "remove one reason not to ride."
        ),
        description=(
            "At my little brother's school scooters are piled in a corridor and bikes are "
            "chained to the fence. A **covered shelter for 20 bikes and 30 scooters** costs "
            "about £6,000.\n\n"
            "Start with the 15 schools that have no shelter at all."
        ),
        benefits="More children cycling and scooting; no clutter in corridors.",
        beneficiaries="Pupils at 15 primary schools",
        types=(SERVICE,),
        tags=("Cycling", "Schools"),
        supporters=9,
    ),
    DemoIdea(
        key="walking-bus",
        author="fatima",
        title="Walking buses with volunteer parents on set routes",
        summary=(
            "A walking bus collects children at 'stops' on the way to school, led by two "
            "trained volunteers, every morning."
        ),
        description=(
            "Many parents work early shifts and can't walk their children to school. A "
            "**walking bus** with two trained volunteers per route would let those children "
            "walk safely with others.\n\n"
            "The council would provide training, vests and insurance; schools would "
            "recruit the volunteers."
        ),
        benefits="Children walk even when their parents can't take them.",
        beneficiaries="Children of parents working early shifts",
        types=(SERVICE,),
        tags=("Schools",),
        supporters=7,
    ),
    DemoIdea(
        key="zigzag-cameras",
        author="marcus",
        title="Cameras to fine drivers parking on the school zigzags",
        summary=(
            "Parking on the zigzag lines blocks the view of children crossing. Enforcement "
            "cameras on the five worst schools would stop it."
        ),
        description=(
            "Civil enforcement officers visit each school once a term at most. Parents know "
            "it and park on the zigzags every day.\n\n"
            "Camera enforcement at the five worst schools, where the council's own surveys "
            "counted **more than ten vehicles a day** on the zigzags."
        ),
        benefits="Clear sight lines at the gate; a fair, consistent rule.",
        beneficiaries="Pupils of five schools",
        types=(SERVICE, POLICY),
        tags=("Road safety", "Enforcement"),
        supporters=8,
    ),
    DemoIdea(
        key="widen-pavement",
        author="brian",
        title="Widen the pavement on Hollins Road outside the two schools",
        summary=(
            "The pavement outside Hollins Park and St Anne's is 1.2 metres wide. Parents "
            "with buggies step into the road. Take space from the carriageway."
        ),
        description=(
            "For 250 metres the pavement on Hollins Road is **barely 1.2 metres** wide, "
            "with railings. At 8:45 it is impossible to pass without stepping into the road.\n\n"
            "Widening it to 3 metres by narrowing the road would need drainage and kerb "
            "works, estimated at £240,000."
        ),
        benefits="Safe, comfortable walking outside two schools for decades.",
        beneficiaries="Pupils and parents of two schools, all pedestrians",
        types=(SERVICE,),
        tags=("Road safety",),
        place="Hollins Road",
        supporters=10,
    ),
    DemoIdea(
        key="travel-trophy",
        author="mohammed",
        title="An inter-school trophy for the most walking and cycling",
        summary=(
            "Schools record how pupils travel each day for a month; the school with the "
            "biggest increase wins a trophy and new bikes for its club."
        ),
        description=(
            "Competition works: children nag their parents to walk when their class can win "
            "something.\n\n"
            "Each June, schools take part in a month-long challenge with a daily hands-up "
            "count. Prizes are sponsored by local bike shops."
        ),
        benefits="A cheap boost in walking and cycling every year.",
        beneficiaries="Pupils of participating schools",
        types=(COMMUNICATION,),
        tags=("Schools", "Cycling"),
        supporters=4,
    ),
    DemoIdea(
        key="dropped-kerbs",
        author="yusuf",
        title="Dropped kerbs and tactile paving on every route to school",
        summary=(
            "Missing dropped kerbs force buggies, scooters and wheelchairs into the road. "
            "Survey the routes and fix the gaps."
        ),
        description=(
            "A survey of routes within 800 metres of each school would list every crossing "
            "point without a **dropped kerb**. I drive a wheelchair-accessible taxi and see "
            "families struggle at corners every morning.\n\n"
            "Fixing the gaps at about £2,500 each could be phased over three years."
        ),
        benefits="Routes everyone can use, including disabled children and parents.",
        beneficiaries="Families with buggies, wheelchair users, scooting children",
        types=(SERVICE,),
        tags=("Road safety",),
        supporters=6,
    ),
    DemoIdea(
        key="safe-routes-maps",
        author="ewa",
        title="A safe-routes map for every school, made with the pupils",
        summary=(
            "Pupils map the routes they use, the places they feel unsafe, and the safest "
            "way from each neighbourhood. Maps printed for families and online."
        ),
        description=(
            "Children know the dangerous spots better than anyone. A mapping project in "
            "each school would produce a **safe-routes map**, handed to every new family, "
            "and a list of problem spots for the highways team."
        ),
        benefits="Families choose safer routes; the council learns where to act.",
        beneficiaries="Families of all primary schools; the highways team",
        types=(COMMUNICATION, CONCEPTUAL),
        tags=("Schools", "Road safety"),
        supporters=5,
    ),
)

# Per idea: (impact, cost, deliverable, support) on the 1-5 scales, before each evaluator's
# own tendency and a little disagreement are added.
SCHOOL_RUN_MERIT = {
    "school-streets": (5, 3, 4, 5),
    "bike-bus": (3, 1, 4, 4),
    "twenty-mph": (4, 3, 2, 3),
    "bikeability-parents": (3, 2, 3, 3),
    "park-and-stride": (3, 1, 3, 3),
    "crossing-patrols": (4, 3, 2, 4),
    "footprint-trail": (1, 1, 5, 3),
    "scooter-shelters": (2, 4, 4, 3),
    "walking-bus": (3, 1, 3, 3),
    "zigzag-cameras": (4, 3, 3, 2),
    "widen-pavement": (4, 5, 1, 4),
    "travel-trophy": (2, 1, 5, 2),
    "dropped-kerbs": (3, 3, 3, 2),
    "safe-routes-maps": (2, 1, 4, 3),
}

SCHOOL_RUN_OUTCOMES = {
    "school-streets": Outcome(
        "selected",
        "Selected for a 12-month pilot at St Mary's, Riverside and Hollins Park primaries. "
        "It scored highest with the evaluators (strongest safety impact, good support from "
        "the three schools) and fits the active travel budget. The experimental traffic "
        "orders will be advertised in the spring, with a consultation of residents of the "
        "three streets.",
        shortlist_reason=(
            "Top of the evaluators' ranking; the three head teachers have written in support."
        ),
    ),
    "bike-bus": Outcome(
        "shelved",
        "A strong, low-cost idea that parents can start now. We have put it on the shelf "
        "as a council project: the road safety team will train the ride leaders and help "
        "with the risk assessment, and we will look at funding a city-wide bike bus "
        "programme in next year's active travel bid.",
        shortlist_reason=(
            "Second in the evaluators' ranking and the cheapest idea with a clear effect."
        ),
    ),
    "twenty-mph": Outcome(
        "declined",
        "Not taken forward as a separate project: the city-wide 20 mph policy goes to "
        "cabinet in March and covers every street near a primary school.",
    ),
    "bikeability-parents": Outcome(
        "shelved",
        "Good idea; the Bikeability contract is renewed in September and we will ask "
        "bidders to price family sessions.",
    ),
    "park-and-stride": Outcome(
        "shelved",
        "The leisure centre operator agreed in principle; we will revisit it once the "
        "School Streets pilot shows where parents park instead.",
    ),
    "crossing-patrols": Outcome(
        "shelved",
        "Running costs of about £36,000 a year cannot come from a one-year pilot budget. "
        "Kept for the 2027/28 budget round.",
    ),
    "footprint-trail": Outcome(
        "declined",
        "Welcome, but the evaluators found little evidence that it makes routes safer. "
        "Schools can apply to the community grants fund for painted trails.",
    ),
    "scooter-shelters": Outcome(
        "shelved",
        "Schools can already apply to the active travel fund for shelters; we will remind "
        "all head teachers of the next round in May.",
    ),
    "walking-bus": Outcome(
        "shelved",
        "Depends on volunteers each school must find; we will offer training and "
        "insurance to any school that wants to start one.",
    ),
    "zigzag-cameras": Outcome(
        "shelved",
        "Camera enforcement of zigzags needs new powers the council expects next year. "
        "Kept on the shelf until then.",
    ),
    "widen-pavement": Outcome(
        "declined",
        "At about £240,000 it is beyond this pilot's budget. Hollins Road is in the "
        "highways capital programme for 2028, and the widening has been added to its "
        "design brief.",
    ),
    "travel-trophy": Outcome(
        "declined",
        "Schools already take part in the national walk-to-school challenge each May; a "
        "second competition would compete with it.",
    ),
    "dropped-kerbs": Outcome(
        "shelved",
        "The highways team will add the routes to school to its annual dropped-kerb "
        "survey; the gaps found will be fixed from the maintenance budget.",
    ),
    "safe-routes-maps": Outcome(
        "declined",
        "Each school's travel plan already includes a routes map; we will help the "
        "schools whose maps are out of date.",
    ),
}

# --- the idea box ---------------------------------------------------------------------------

IDEA_BOX_IDEAS = (
    DemoIdea(
        key="water-refill",
        author="amira",
        title="Drinking water refill points in Hollins Park and Riverside Gardens",
        summary=(
            "There is nowhere to fill a bottle in either park. Two refill fountains would "
            "help families, runners and the summer play schemes."
        ),
        description=(
            "In last summer's heatwave the café in Hollins Park ran out of bottled water by "
            "2pm. A **refill fountain** costs about £3,500 to install where there is a "
            "water supply, and both parks have one by the toilets."
        ),
        benefits="Less plastic, healthier summers, especially for children.",
        beneficiaries="Park users, play scheme children, runners",
        types=(SERVICE,),
        tags=("Parks",),
        place="Hollins Park and Riverside Gardens",
        supporters=8,
    ),
    DemoIdea(
        key="library-sundays",
        author="noah",
        title="Open Northgate Library on Sunday afternoons",
        summary=(
            "Students and working parents have nowhere quiet and warm to study at weekends. "
            "Open the library from 12 to 4 on Sundays."
        ),
        description=(
            "In exam season there is a queue for desks every Saturday. On Sundays the "
            "library is closed and many students share a room at home.\n\n"
            "A **Sunday afternoon opening** with self-service and one staff member, tried "
            "for one term, would show whether it's used."
        ),
        benefits="Quiet study space; a warm place at weekends.",
        beneficiaries="Students, working parents, people without internet at home",
        types=(SERVICE,),
        tags=("Libraries",),
        place="Northgate Library",
        supporters=6,
    ),
    DemoIdea(
        key="council-tax-email",
        author="ewa",
        title="Council tax reminders by e-mail and text, not only by letter",
        summary=(
            "A missed instalment leads to a letter that arrives days later, then a summons "
            "with £80 costs. An e-mail or text on the due date would prevent most."
        ),
        description=(
            "I missed one instalment when my bank card changed. The reminder letter arrived "
            "a week later, and by then the **summons costs** had been added.\n\n"
            "Offer e-mail and text reminders (opt-in) a few days before each instalment and "
            "on the day a payment fails."
        ),
        benefits="Fewer missed payments, fewer summonses, lower postage costs.",
        beneficiaries="Council tax payers, the revenues team",
        types=(SERVICE, PROCESS),
        tags=("Digital",),
        supporters=5,
    ),
    DemoIdea(
        key="castle-hill-benches",
        author="joan",
        title="Benches on the walk up Castle Hill",
        summary=(
            "The path from the bus stop to the health centre on Castle Hill is steep and has "
            "nowhere to rest. Three benches would make it possible for many older people."
        ),
        description=(
            "The health centre moved to Castle Hill in 2024. From the bus stop it's a "
            "400-metre climb with **no bench**. Several of my friends now take a taxi to "
            "their appointments because of it.\n\n"
            "Three benches with armrests, every 100 metres or so."
        ),
        benefits="Older and disabled people can reach the health centre on foot.",
        beneficiaries="Older residents, patients of the Castle Hill health centre",
        types=(SERVICE,),
        tags=("Accessibility",),
        place="Castle Hill",
        supporters=9,
    ),
    DemoIdea(
        key="adopt-a-tree",
        author="hannah",
        title="Let residents adopt and water a young street tree",
        summary=(
            "One in five newly planted street trees dies in its first dry summer. "
            "Neighbours could adopt one and water it, with a tag showing who looks after it."
        ),
        description=(
            "The council plants about 400 street trees a year and loses around **80** in "
            "their first two summers.\n\n"
            "An *adopt a tree* scheme: sign up online, get a watering bag and a name tag, "
            "and receive a reminder in dry weeks."
        ),
        benefits="More trees survive; neighbours care for their street.",
        beneficiaries="Residents, the parks and trees team",
        types=(SERVICE, COMMUNICATION),
        tags=("Parks", "Community"),
        supporters=7,
    ),
    DemoIdea(
        key="warm-spaces-map",
        author="fatima",
        title="One map of warm spaces for the winter",
        summary=(
            "Libraries, churches and community centres open warm spaces in winter, but each "
            "publishes them separately. One map with opening times, in several languages."
        ),
        description=(
            "Last winter I helped families find a warm place in the day. The information "
            "was spread over **a dozen Facebook pages and posters**.\n\n"
            "One map on the council website, updated by the organisations themselves, "
            "printed for libraries and GP surgeries, and translated."
        ),
        benefits="People find a warm place when they need it.",
        beneficiaries="People who can't afford to heat their homes",
        types=(SERVICE, COMMUNICATION),
        tags=("Community",),
        supporters=4,
    ),
)

# --- comments -------------------------------------------------------------------------------

COMMENTS: dict[str, tuple[Thread, ...]] = {
    "hotspot-cameras": (
        Thread(
            "marcus",
            "Please include the Mill Lane garages. We have had a fly-tip there every week "
            "since the light went out.",
            (
                (
                    "anita",
                    "Mill Lane is on our list. A camera only helps if it can see a number "
                    "plate, so we would pair it with the lighting repair.",
                ),
                ("marcus", "Thank you, that would make a real difference."),
            ),
        ),
        Thread(
            "ravi",
            "How long would the footage be kept, and who can see it? People will want to "
            "know before cameras go up.",
            (
                (
                    "ewa",
                    "Good point. I'd suggest 31 days unless something is dumped, and only "
                    "the enforcement team has access.",
                ),
            ),
        ),
    ),
    "free-bulky-collection": (
        Thread(
            "david",
            "Fully agree. £38 is a lot when you are moving out of a flat with nothing.",
        ),
        Thread(
            "owen",
            "From the crews' side: we collect about 4,000 bulky items a year already. A free "
            "collection would need a second vehicle on Saturdays, but it's cheaper than "
            "clearing the same sofa from a lay-by.",
            (
                (
                    "grace",
                    "Could it be limited to one collection per household to stop abuse?",
                ),
                (
                    "owen",
                    "Yes, the booking system can check the address. That's how the free "
                    "garden waste trial worked.",
                ),
            ),
        ),
    ),
    "pop-up-tip-days": (
        Thread(
            "joan",
            "Our litter-picking group would happily volunteer at these. Saturday mornings "
            "suit most of us.",
        ),
        Thread(
            "beth",
            "Please make sure they are advertised on paper too. Lots of people on the "
            "estate aren't on Facebook.",
        ),
    ),
    "report-with-photo": (
        Thread(
            "fatima",
            "And please let people choose a language. Photos work for everyone.",
        ),
        Thread(
            "sofia",
            "The contact centre re-types about 40 fly-tip reports a day. Sending them "
            "straight to the crews' tablets would help us as much as residents.",
        ),
    ),
    "landlord-licensing": (
        Thread(
            "mohammed",
            "I rent out one flat and already do this. It costs me £60 per tenancy; it's "
            "not a burden.",
        ),
    ),
    "canal-street-planters": (
        Thread(
            "sarah",
            "St Anne's Year 4 would love this. We can plant bulbs in October.",
            (
                (
                    "chloe",
                    "Wonderful! I'll put you in touch with the allotment society.",
                ),
            ),
        ),
        Thread(
            "tariq",
            "Where will people park who use the lay-by for loading?",
            (
                (
                    "chloe",
                    "Hardly anyone does now because of the rubbish, but we could keep one "
                    "loading space at the end.",
                ),
            ),
        ),
    ),
    "clear-within-24h": (
        Thread(
            "amira",
            "Yes! By the time the old sofa is collected there's a fridge next to it.",
        ),
    ),
    "evidence-reward": (
        Thread(
            "ravi",
            "I worry this turns neighbours against each other, and people may film others "
            "in ways they shouldn't.",
            (
                (
                    "liam",
                    "Fair. Maybe only photos of the waste itself and any vehicle, never of "
                    "people's homes.",
                ),
            ),
        ),
    ),
    "bottle-bank-move": (
        Thread(
            "yusuf",
            "Good idea. I pass the superstore every day and the car park is lit all night.",
        ),
    ),
    "bottle-bank-duplicate": (
        Thread(
            "olga",
            "Yes please, it's really bad on Monday mornings after the weekend.",
        ),
    ),
    "street-champions": (
        Thread(
            "joan",
            "I'd sign up for Weir Lane.",
        ),
        Thread(
            "claire",
            "We'd love to support this. The community engagement team could run the "
            "twice-yearly meetings with the ward councillors.",
        ),
    ),
    # Staff-only challenge.
    "book-own-slot": (
        Thread(
            "jason",
            "Only if the slots are realistic. Now the scheduler knows a bathroom job can't "
            "go in a one-hour slot; the system has to know too.",
            (
                (
                    "sofia",
                    "Agreed. We'd start with the 20 most common job types where the time is "
                    "predictable.",
                ),
            ),
        ),
    ),
    "photo-triage": (
        Thread(
            "linda",
            "Some tenants won't be able to send photos. Please keep the visit as the "
            "default for them, and ask the housing officer to help.",
        ),
        Thread(
            "rajesh",
            "We should agree which job types can be triaged by photo. Damp, for instance, "
            "still needs a moisture reading.",
            (("kwame", "Yes, damp would stay on the visit list."),),
        ),
    ),
    "van-stock": (
        Thread(
            "daniel",
            "The stock on 40 vans would be about £48,000 up front. If it avoids a tenth of "
            "the second visits, it pays back in under a year.",
        ),
        Thread(
            "owen",
            "Our waste vans use a similar weekly top-up and it works well. Happy to share "
            "how we set it up.",
        ),
    ),
    "no-double-keying": (
        Thread(
            "sofia",
            "This would be the single biggest thing for the contact centre. Re-keying is "
            "where the wrong flat numbers come from.",
        ),
    ),
    "damp-fast-lane": (
        Thread(
            "kwame",
            "Happy to be on that team. We also need a follow-up visit that actually happens; "
            "most repeat cases are ones where the cause wasn't fixed.",
        ),
    ),
    # The closed challenge.
    "school-streets": (
        Thread(
            "sarah",
            "We ran a one-day trial at St Mary's and the difference at the gate was amazing. "
            "Parents who drove parked two streets away and walked.",
        ),
        Thread(
            "yusuf",
            "Please make sure taxis taking disabled pupils can still get to the gate.",
            (
                (
                    "james",
                    "Yes, vehicles taking disabled children would be exempt, like blue badge "
                    "holders.",
                ),
            ),
        ),
        Thread(
            "mohammed",
            "What about people who live on the street and have visitors?",
            (
                (
                    "priya",
                    "Residents can register visitors' vehicles for the closure times. It's "
                    "standard in School Streets schemes.",
                ),
            ),
        ),
    ),
    "bike-bus": (
        Thread(
            "james",
            "I'd volunteer as a ride leader. I commute along the canal path anyway.",
        ),
        Thread(
            "grace",
            "My two would love this. Could it go past Elm Row?",
            (("chloe", "That's the plan: the first stop is at the community centre."),),
        ),
    ),
    "crossing-patrols": (
        Thread(
            "brian",
            "Joan was our crossing lady for 12 years. Everyone on Hollins Road knew her.",
        ),
    ),
    "widen-pavement": (
        Thread(
            "chloe",
            "With a double buggy I have to walk in the road here. Every single morning.",
        ),
    ),
    # The idea box.
    "castle-hill-benches": (
        Thread(
            "amira",
            "My mother has the same problem. Even one bench halfway up would help.",
        ),
    ),
}

# The moderation case: a comment that names a household and a vehicle, flagged and hidden.
MODERATION_CASE = {
    "idea": "hotspot-cameras",
    "author": "olga",
    "body": (
        "We all know who it is. It's the family at number 14 Canal Street with the white "
        "van, registration YK19 ... They dump everything from their house clearances in "
        "the lay-by. Somebody should go round there."
    ),
    "flags": (
        ("marcus", "personal_data", "Names a house and gives a number plate."),
        ("joan", "offensive", ""),
    ),
    "moderator": "claire",
    "reason": (
        "It names a household and a vehicle. Please report suspected "
        "fly-tipping through the council's report form, so enforcement officers can "
        "investigate it properly."
    ),
}

EVENT = {
    "kind": "workshop",
    "title": "A cleaner Northgate and Riverside",
    "description": (
        "Two hours with residents, the street scene team and local businesses. We will map "
        "where and why fly-tipping happens, then sketch and test three ideas from this "
        "challenge together. No experience needed; tea, coffee and a crèche are provided. "
        "The room is step-free, with a hearing loop."
    ),
    "place": "Northgate Community Centre, 14 Elm Row, Northgate EB3 2QT",
    # Days from now, local evening time (18:00-20:00 in the organisation's time zone).
    "in_days": 9,
    "capacity": 12,
}
EVENT_REGISTRANTS = (
    "amira",
    "grace",
    "joan",
    "hannah",
    "marcus",
    "chloe",
    "ewa",
    "mohammed",
    "fatima",
    "david",
    "ravi",
    "owen",
    "olga",
    "brian",
)


def all_ideas() -> list[DemoIdea]:
    return [*FLY_TIPPING_IDEAS, *HOUSING_REPAIRS_IDEAS, *SCHOOL_RUN_IDEAS, *IDEA_BOX_IDEAS]


# --- seeding --------------------------------------------------------------------------------

ORGANISATION_SLUG = "eastbrook"


@dataclass
class Cast:
    """The demo's people by key, and the organisation they act in."""

    organisation: Any
    users: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.users[key]

    def residents(self) -> list:
        return [self.users[key] for key in RESIDENT_KEYS]

    def staff(self) -> list:
        return [self.users[key] for key in STAFF_KEYS]


def seed_challenges(ctx) -> None:
    """The demo seed step: Eastbrook's challenges, ideas and everything around them."""
    organisation = ctx.organisations[ORGANISATION_SLUG]
    cast = _cast(ctx, organisation)
    seeders = (
        (FLY_TIPPING.slug, _seed_fly_tipping),
        (HOUSING_REPAIRS.slug, _seed_housing_repairs),
        (SCHOOL_RUN.slug, _seed_school_run),
    )
    from .models import Challenge

    for slug, seeder in seeders:
        if not Challenge.objects.filter(organisation=organisation, slug=slug).exists():
            seeder(cast)
    _seed_idea_box(cast)


def _person(ctx, person: DemoPerson):
    """The demo user with this e-mail, created (confirmed, demo password) if missing."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    User = get_user_model()
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create(
            email=person.email,
            display_name=person.display_name,
            email_confirmed_at=timezone.now(),
            password=ctx.password_hash,
        )
    ctx.users[person.email] = user
    return user


def _cast(ctx, organisation) -> Cast:
    from civiclab.organisations.services import member_set_roles

    cast = Cast(organisation=organisation)
    for key, email in SEED_PEOPLE.items():
        cast.users[key] = ctx.users[email]
    for key, person in EXTRA_STAFF.items():
        user = _person(ctx, person)
        member_set_roles(
            actor=ctx.platform_admin, organisation=organisation, user=user, roles=person.roles
        )
        cast.users[key] = user
    for key, person in EXTRA_RESIDENTS.items():
        cast.users[key] = _person(ctx, person)
    return cast


# --- moving a challenge through its phases --------------------------------------------------


# In a phase plan: a phase that ends at this very moment (the decisions were just made).
NOW = "now"


def _phase_dates(plan: dict[str, tuple[Any, Any]], *, zone_name: str = ""):
    """PhaseDates from {kind: (start, end)}: whole days from today, each boundary at 5pm
    local time, as a council would set them; `None` leaves the end open, `NOW` is now."""
    import zoneinfo
    from datetime import datetime, time

    from django.utils import timezone

    from .services.challenges import PhaseDates

    now = timezone.now()
    if not zone_name:
        return [
            PhaseDates(
                kind=kind,
                starts_at=now + timedelta(days=start),
                ends_at=None if end is None else now + timedelta(days=end),
            )
            for kind, (start, end) in plan.items()
        ]
    zone = zoneinfo.ZoneInfo(zone_name)
    today = now.astimezone(zone).date()

    def moment(days):
        if days == NOW:
            return now
        return datetime.combine(today + timedelta(days=days), time(17, 0), tzinfo=zone)

    return [
        PhaseDates(kind=kind, starts_at=moment(start), ends_at=None if end is None else moment(end))
        for kind, (start, end) in plan.items()
    ]


def _zone(challenge) -> str:
    return challenge.organisation.time_zone or "Europe/London"


def _write_phases(challenge, phases) -> None:
    """Replace the phase rows as they are (no audit): the demo's clock, not a decision."""
    from .models import Phase

    challenge.phases.all().delete()
    Phase.objects.bulk_create(
        Phase(challenge=challenge, kind=p.kind, starts_at=p.starts_at, ends_at=p.ends_at)
        for p in phases
    )
    _remember_phases(challenge)


def _remember_phases(challenge) -> None:
    """Load the phases into the prefetch cache: every rule check reads them from there."""
    from django.db.models import prefetch_related_objects

    cache = getattr(challenge, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("phases", None)
    prefetch_related_objects([challenge], "phases")


def _run_phase(challenge, kind: str) -> None:
    """Make `kind` the running phase for a moment, so the services' phase rules apply."""
    order = ("submission", "review", "selection", "closed")
    index = order.index(kind)
    plan = {}
    for position, name in enumerate(order):
        start = (position - index) * 7 - 1
        plan[name] = (start, None if name == "closed" else start + 7)
    _write_phases(challenge, _phase_dates(plan))


def _create_challenge(cast: Cast, spec: DemoChallenge, plan):
    """A published challenge with its phases, created by the innovation lead."""
    from .services.challenges import challenge_create, challenge_publish, challenge_set_phases

    lead = cast["tom"]
    challenge = challenge_create(
        actor=lead,
        organisation=cast.organisation,
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        problem_statement=spec.problem_statement,
        goals=spec.goals,
        needs=spec.needs,
        sponsor=cast["margaret"],
        audience=spec.audience,
        innovation_types=list(spec.innovation_types),
        tag_names=list(spec.tags),
    )
    challenge_set_phases(
        actor=lead,
        challenge=challenge,
        phases=_phase_dates(plan, zone_name=cast.organisation.time_zone or "Europe/London"),
    )
    challenge_publish(actor=lead, challenge=challenge)
    _remember_phases(challenge)
    return challenge


# --- ideas, supports and comments -----------------------------------------------------------


def _submit_ideas(cast: Cast, challenge, specs) -> dict[str, Any]:
    from .services.challenges import tags_get_or_create
    from .services.ideas import idea_create

    ideas = {}
    for spec in specs:
        tags = tags_get_or_create(organisation=cast.organisation, names=spec.tags)
        ideas[spec.key] = idea_create(
            actor=cast[spec.author],
            challenge=challenge,
            title=spec.title,
            summary=spec.summary,
            description=spec.description,
            expected_benefits=spec.benefits,
            beneficiaries=spec.beneficiaries,
            innovation_types=list(spec.types),
            tags=tags,
            location_name=spec.place,
        )
    return ideas


def _supporters(spec: DemoIdea, pool: list) -> list:
    """`spec.supporters` people from `pool`, never the author; the same ones every run."""
    rng = random.Random(spec.key)
    eligible = [user for user in pool if user.email != _email_of(spec.author)]
    return rng.sample(eligible, min(spec.supporters, len(eligible)))


def _email_of(key: str) -> str:
    if key in SEED_PEOPLE:
        return SEED_PEOPLE[key]
    person = EXTRA_STAFF.get(key) or EXTRA_RESIDENTS[key]
    return person.email


def _support(ideas: dict[str, Any], specs, pool: list) -> None:
    from django.test.utils import override_settings

    from .services.participation import support_add

    # The per-person rate limit stops scripts clicking; the seed replays weeks of clicks in
    # seconds (and runs more than once a minute in the test suite), so it is lifted here.
    with override_settings(CHALLENGES_SUPPORT_RATE=(1_000_000, 1)):
        for spec in specs:
            for user in _supporters(spec, pool):
                support_add(actor=user, idea=ideas[spec.key])


def _comment(cast: Cast, ideas: dict[str, Any]) -> None:
    from .services.participation import comment_add

    for key, threads in COMMENTS.items():
        idea = ideas.get(key)
        if idea is None:
            continue
        for thread in threads:
            # Each reply answers the message before it (the service caps the nesting).
            parent = comment_add(actor=cast[thread.author], idea=idea, body=thread.body)
            for author, body in thread.replies:
                parent = comment_add(actor=cast[author], idea=idea, body=body, parent=parent)


def _backdate(ideas: dict[str, Any], *, start: float, end: float) -> None:
    """Spread the ideas' submissions over days `start`..`end` (from now), and their supports
    and comments over the days after each submission, as if the challenge ran for weeks."""
    from django.utils import timezone

    from .models import Comment, Idea, Support

    now = timezone.now()
    keys = list(ideas)
    span = end - start
    for index, key in enumerate(keys):
        idea = ideas[key]
        rng = random.Random(f"when:{key}")
        submitted = now + timedelta(days=start + span * index / max(len(keys), 1))
        submitted += timedelta(minutes=rng.randint(0, 600))
        Idea.objects.filter(pk=idea.pk).update(created_at=submitted)
        remaining = max((now + timedelta(days=end) - submitted).total_seconds(), 3600)
        for model in (Support, Comment):
            rows = list(model.objects.filter(idea=idea).order_by("pk").values_list("pk", flat=True))
            for position, pk in enumerate(rows):
                offset = remaining * (position + 1) / (len(rows) + 1)
                model.objects.filter(pk=pk).update(created_at=submitted + timedelta(seconds=offset))


def _phase_start(challenge, kind: str):
    return challenge.phases.get(kind=kind).starts_at


def _backdate_status_changes(ideas: dict[str, Any], *, to_status: str, when) -> None:
    """Date the changes to `to_status` back to when, in the challenge's story, they were made."""
    from .models import Idea, StatusChange

    pks = [idea.pk for idea in ideas.values()]
    StatusChange.objects.filter(idea_id__in=pks, to_status=to_status).update(created_at=when)
    Idea.objects.filter(pk__in=pks, status=to_status).update(status_changed_at=when)


# --- 1. the public challenge ----------------------------------------------------------------


def _seed_fly_tipping(cast: Cast) -> None:
    challenge = _create_challenge(
        cast,
        FLY_TIPPING,
        {
            "submission": (-12, 18),
            "review": (18, 32),
            "selection": (32, 46),
            "closed": (46, None),
        },
    )
    _seed_event(cast, challenge)
    ideas = _submit_ideas(cast, challenge, FLY_TIPPING_IDEAS)
    _support(ideas, FLY_TIPPING_IDEAS, cast.residents() + cast.staff())
    _comment(cast, ideas)
    _seed_moderation_case(cast, ideas)
    _seed_merge(cast, ideas)
    _backdate(ideas, start=-11.5, end=0)


def _seed_event(cast: Cast, challenge) -> None:
    import zoneinfo
    from datetime import datetime, time

    from django.utils import timezone

    from .services.events import event_register, event_save

    zone = zoneinfo.ZoneInfo(cast.organisation.time_zone or "Europe/London")
    day = (timezone.now() + timedelta(days=EVENT["in_days"])).astimezone(zone).date()
    starts_at = datetime.combine(day, time(18, 0), tzinfo=zone)
    event = event_save(
        actor=cast["tom"],
        challenge=challenge,
        kind=EVENT["kind"],
        title=EVENT["title"],
        description=EVENT["description"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place=EVENT["place"],
        capacity=EVENT["capacity"],
    )
    for key in EVENT_REGISTRANTS:
        event_register(actor=cast[key], event=event)


def _seed_moderation_case(cast: Cast, ideas: dict[str, Any]) -> None:
    from .services.moderation import flag_add, moderation_hide
    from .services.participation import comment_add

    case = MODERATION_CASE
    comment = comment_add(actor=cast[case["author"]], idea=ideas[case["idea"]], body=case["body"])
    for reporter, reason, note in case["flags"]:
        flag_add(actor=cast[reporter], item=comment, reason=reason, note=note)
    comment.refresh_from_db()
    moderation_hide(actor=cast[case["moderator"]], item=comment, reason=case["reason"])


def _seed_merge(cast: Cast, ideas: dict[str, Any]) -> None:
    from .services.merge import idea_merge

    merge = FLY_TIPPING_MERGE
    source, target = ideas[merge["source"]], ideas[merge["target"]]
    source.refresh_from_db()
    target.refresh_from_db()
    idea_merge(actor=cast[merge["actor"]], source=source, target=target, reason=merge["reason"])


# --- 2. the staff-only challenge ------------------------------------------------------------

HOUSING_REPAIRS_PLAN = {
    "submission": (-32, -4),
    "review": (-4, 17),
    "selection": (17, 31),
    "closed": (31, None),
}
# Ideas that arrived in the last days of the submission phase, not yet looked at.
HOUSING_REPAIRS_NOT_YET_REVIEWED = ("stage-dashboard", "self-help-videos")
HOUSING_REPAIRS_REVIEW_REASON = (
    "The repairs improvement group is looking at this idea with the stage-by-stage data "
    "from the repairs system; we will post what we decide by the end of the review phase."
)
HOUSING_REPAIRS_SHELVED = {
    "fix-during-gas-visit": (
        "Gas safety visits are carried out by our servicing contractor, whose contract does "
        "not cover other repairs. We will include small repairs in the specification when "
        "the contract is retendered in 2027."
    ),
}


def _seed_housing_repairs(cast: Cast) -> None:
    from .services.status import idea_set_status

    challenge = _create_challenge(cast, HOUSING_REPAIRS, HOUSING_REPAIRS_PLAN)
    _run_phase(challenge, "submission")
    ideas = _submit_ideas(cast, challenge, HOUSING_REPAIRS_IDEAS)
    _support(ideas, HOUSING_REPAIRS_IDEAS, cast.staff())
    _comment(cast, ideas)
    _run_phase(challenge, "review")
    lead = cast["tom"]
    for key, idea in ideas.items():
        if key in HOUSING_REPAIRS_SHELVED:
            idea_set_status(
                actor=lead, idea=idea, status="shelved", reason=HOUSING_REPAIRS_SHELVED[key]
            )
        elif key not in HOUSING_REPAIRS_NOT_YET_REVIEWED:
            idea_set_status(
                actor=lead, idea=idea, status="under_review", reason=HOUSING_REPAIRS_REVIEW_REASON
            )
    _compare(cast, challenge, ideas)
    _write_phases(challenge, _phase_dates(HOUSING_REPAIRS_PLAN, zone_name=_zone(challenge)))
    review_start = _phase_start(challenge, "review")
    _backdate_status_changes(
        ideas, to_status="under_review", when=review_start + timedelta(hours=17)
    )
    _backdate_status_changes(ideas, to_status="shelved", when=review_start + timedelta(days=2))
    _backdate(ideas, start=-31.5, end=-4)


# Staff compare ideas two at a time while the challenge is in review.
PAIRWISE_GUIDANCE = (
    "While the repairs improvement group reviews the ideas, every member of staff can "
    "compare them two at a time: which would save more days for tenants?"
)
PAIRWISE_VOTERS = ("sofia", "kwame", "jason", "linda", "owen", "claire", "helen", "rajesh")
PAIRS_PER_VOTER = 9


def _compare(cast: Cast, challenge, ideas: dict[str, Any]) -> None:
    """Open pairwise comparison and let staff compare pairs; each prefers, with some noise,
    the idea more colleagues supported."""
    from django.test.utils import override_settings

    from .services.evaluation import scorecard_update
    from .services.pairwise import next_pair, pairwise_record

    scorecard_update(
        actor=cast["tom"],
        challenge=challenge,
        blind=True,
        evaluators_per_idea=1,
        guidance=PAIRWISE_GUIDANCE,
        pairwise_enabled=True,
    )
    appeal = {ideas[spec.key].pk: spec.supporters for spec in HOUSING_REPAIRS_IDEAS}
    # The rate limit guards against scripts; the seed is one (see `_support`).
    with override_settings(CHALLENGES_PAIRWISE_RATE=(1_000_000, 1)):
        for key in PAIRWISE_VOTERS:
            voter, rng = cast[key], random.Random(f"pairs:{key}")
            for _round in range(PAIRS_PER_VOTER):
                pair = next_pair(user=voter, challenge=challenge, rng=rng)
                if pair is None:
                    break
                first, second = pair
                margin = appeal[first.pk] - appeal[second.pk] + rng.gauss(0, 2.5)
                winner, loser = (first, second) if margin >= 0 else (second, first)
                pairwise_record(
                    actor=voter,
                    challenge=challenge,
                    winner=winner,
                    loser=loser,
                    tie=abs(margin) < 0.3,
                )


# --- 3. the closed challenge ----------------------------------------------------------------

SCHOOL_RUN_PLAN = {
    "submission": (-70, -49),
    "review": (-49, -21),
    "selection": (-21, NOW),
    "closed": (NOW, None),
}
SCHOOL_RUN_REVIEW_REASON = (
    "Submissions have closed. Three evaluators are scoring every idea against the "
    "published scorecard, without seeing who wrote it."
)
EVALUATOR_COMMENTS = {
    "school-streets": "Strong evidence from other cities; the cameras are the main cost.",
    "bike-bus": "Cheap and visible. Depends on volunteers, so the council's role is support.",
    "widen-pavement": "The right long-term fix, but far beyond a one-year pilot budget.",
    "footprint-trail": "Pleasant, but I found no evidence it changes safety.",
}


def _seed_school_run(cast: Cast) -> None:
    from .services.evaluation import criterion_save, scorecard_update

    lead = cast["tom"]
    challenge = _create_challenge(cast, SCHOOL_RUN, SCHOOL_RUN_PLAN)
    scorecard_update(
        actor=lead,
        challenge=challenge,
        blind=True,
        evaluators_per_idea=len(SCHOOL_RUN_EVALUATORS),
        guidance=SCORECARD_GUIDANCE,
        pairwise_enabled=False,
    )
    criteria = [
        criterion_save(
            actor=lead,
            challenge=challenge,
            name=name,
            guidance=guidance,
            weight=weight,
            scale_min=1,
            scale_max=5,
            lower_is_better=lower_is_better,
            position=position,
        )
        for position, (name, guidance, weight, lower_is_better) in enumerate(CRITERIA)
    ]
    _run_phase(challenge, "submission")
    ideas = _submit_ideas(cast, challenge, SCHOOL_RUN_IDEAS)
    _support(ideas, SCHOOL_RUN_IDEAS, cast.residents() + cast.staff())
    _comment(cast, ideas)
    _run_phase(challenge, "review")
    _evaluate(cast, challenge, ideas, criteria)
    _run_phase(challenge, "selection")
    _decide(cast, ideas)
    _write_phases(challenge, _phase_dates(SCHOOL_RUN_PLAN, zone_name=_zone(challenge)))
    # The selection stays dated now: its ledger entry records when it was made.
    _backdate_status_changes(
        ideas,
        to_status="under_review",
        when=_phase_start(challenge, "review") + timedelta(hours=17),
    )
    _backdate_status_changes(
        ideas,
        to_status="shortlisted",
        when=_phase_start(challenge, "selection") + timedelta(days=8, hours=-3),
    )
    _backdate(ideas, start=-69.5, end=-49)


def _score(key: str, evaluator: str, position: int) -> int:
    """The evaluator's score for one criterion: the idea's merit, their tendency, and a
    little honest disagreement; the same every run."""
    rng = random.Random(f"{key}:{evaluator}:{position}")
    value = SCHOOL_RUN_MERIT[key][position] + SCHOOL_RUN_EVALUATORS[evaluator]
    value += rng.choice((-1, 0, 0, 0, 0, 0, 0, 0, 1))
    return max(1, min(5, round(value)))


def _evaluate(cast: Cast, challenge, ideas: dict[str, Any], criteria) -> None:
    from .services.evaluation import ScoreInput, assignments_add, evaluation_save
    from .services.status import idea_set_status

    lead = cast["tom"]
    evaluators = [cast[key] for key in SCHOOL_RUN_EVALUATORS]
    for idea in ideas.values():
        idea_set_status(
            actor=lead, idea=idea, status="under_review", reason=SCHOOL_RUN_REVIEW_REASON
        )
    for key, idea in ideas.items():
        assignments = {
            a.evaluator_id: a for a in assignments_add(actor=lead, idea=idea, evaluators=evaluators)
        }
        for evaluator_key in SCHOOL_RUN_EVALUATORS:
            evaluator = cast[evaluator_key]
            scores = {
                criterion.pk: ScoreInput(value=_score(key, evaluator_key, position))
                for position, criterion in enumerate(criteria)
            }
            comment = EVALUATOR_COMMENTS.get(key, "") if evaluator_key == "priya" else ""
            evaluation_save(
                actor=evaluator,
                assignment=assignments[evaluator.pk],
                scores=scores,
                comment=comment,
                submit=True,
            )


def _decide(cast: Cast, ideas: dict[str, Any]) -> None:
    """The lead shortlists, the decision maker selects, the rest go on the shelf or not."""
    from .services.selection import idea_select, idea_shortlist
    from .services.status import idea_set_status

    lead, decision_maker = cast["tom"], cast["margaret"]
    shortlisted = [key for key, outcome in SCHOOL_RUN_OUTCOMES.items() if outcome.shortlist_reason]
    for key in shortlisted:
        idea_shortlist(
            actor=lead, idea=ideas[key], reason=SCHOOL_RUN_OUTCOMES[key].shortlist_reason
        )
    for key, outcome in SCHOOL_RUN_OUTCOMES.items():
        if outcome.status == "selected":
            idea_select(actor=decision_maker, idea=ideas[key], reason=outcome.reason)
        else:
            idea_set_status(
                actor=lead, idea=ideas[key], status=outcome.status, reason=outcome.reason
            )


# --- the idea box ---------------------------------------------------------------------------


def _seed_idea_box(cast: Cast) -> None:
    from django.utils import timezone

    from .models import Idea, Phase
    from .services.challenges import challenge_get_or_create_idea_box

    box = challenge_get_or_create_idea_box(organisation=cast.organisation)
    if Idea.objects.filter(challenge=box).exists():
        return
    # The box was opened with the demo organisation a moment ago; in the story it has been
    # open for a year, so its ideas can be dated over the last weeks.
    Phase.objects.filter(challenge=box, kind="submission", ends_at__isnull=True).update(
        starts_at=timezone.now() - timedelta(days=365)
    )
    ideas = _submit_ideas(cast, box, IDEA_BOX_IDEAS)
    _support(ideas, IDEA_BOX_IDEAS, cast.residents() + cast.staff())
    _comment(cast, ideas)
    _backdate(ideas, start=-40, end=-1)
