"""Words for the demo network: posts, profiles and conversations that read like people wrote them.

Each text is a template whose ``{slots}`` are filled from small lists of
real-sounding topics, so a few dozen templates give thousands of different
posts. Everything is chosen with the caller's ``random.Random``, so the same
seed gives the same network.
"""

import random
import re

SLOTS: dict[str, list[str]] = {
    "city": ["Lisbon", "Leeds", "Portland", "Melbourne", "Montreal", "Edinburgh", "Valencia", "Hamburg", "Austin",
             "Wellington", "Bristol", "Toronto"],
    "place": ["the river", "the old harbour", "the park", "the canal", "the seafront", "the botanical garden",
              "the hills behind town", "the market"],
    "food": ["ramen", "sourdough", "lentil soup", "shakshuka", "banana bread", "green curry", "focaccia",
             "dumplings", "tacos", "risotto"],
    "book": ["The Left Hand of Darkness", "Piranesi", "A Psalm for the Wild-Built", "Middlemarch",
             "The Remains of the Day", "Project Hail Mary", "Braiding Sweetgrass", "Circe"],
    "verdict": ["Loved every page.", "Slow start, brilliant ending.", "Not sure how I feel yet.",
                "Already want to read it again.", "Five stars, no notes.", "The last chapter got me."],
    "thing": ["my phone", "the office Wi-Fi", "my laptop", "the printer", "my smart speaker", "the bus app"],
    "weather": ["Grey skies", "Glorious sunshine", "Wind and rain", "First frost", "Thick fog", "A proper heatwave"],
    "take": ["pineapple belongs on pizza", "the best seat on a train faces backwards", "soup is a breakfast food",
             "meetings should be walks", "paper maps beat apps", "winter is the best season for running"],
    "activity": ["repotting plants", "fixing my bike", "sorting old photos", "walking by the sea",
                 "baking for the neighbours", "learning a new song", "clearing out the shed"],
    "joy": ["a good playlist", "fresh bread", "a long phone call with an old friend", "the first tomatoes",
            "a quiet train", "a dog that wanted to say hello", "clean sheets"],
    "shop": ["barber", "bike shop", "bakery", "bookshop", "coffee place", "climbing gym"],
    "skill": ["Spanish", "the guitar", "watercolour", "Rust", "bread baking", "chess", "German", "knitting"],
    "progress": ["Slow but steady.", "Today it finally clicked.", "Harder than it looks.",
                 "My neighbours are very patient.", "Small wins count."],
    "topic": ["the history of maps", "how bridges are built", "deep-sea creatures", "the Roman postal service",
              "how bees choose a home", "old tram lines"],
    "bird": ["magpie", "blackbird", "seagull", "crow", "pigeon", "robin"],
    "film": ["Spirited Away", "Paddington 2", "Arrival", "Amélie", "The Grand Budapest Hotel", "Jaws"],
    "podcast": ["a history podcast", "an old radio play", "a long album", "the football on the radio"],
    "plant": ["Gerald", "Fern Gully", "Big Leaf", "Monty", "Sir Basil"],
    "event": ["street food market", "record fair", "open studios weekend", "jazz festival", "night market"],
    "tag": ["coffee", "running", "books", "python", "cooking", "cycling", "photography", "gardening", "music",
            "webdev"],
    "role": ["Nurse", "Teacher", "Software developer", "Illustrator", "Student", "Baker", "Librarian",
             "Physiotherapist", "Gardener", "Translator", "Bus driver", "Architect"],
    "interest": ["running", "jazz", "bad puns", "board games", "houseplants", "old films", "long walks",
                 "cooking for friends", "science fiction", "cycling", "photography", "coffee"],
}

POSTS = [
    "Finally finished {book}. {verdict} #books",
    "Morning run along {place}: {n} km and the sun came out halfway. #running",
    "Trying a new {food} recipe tonight. Wish me luck. #cooking",
    "Is it just me or does {thing} get slower with every update?",
    "{weather} in {city} today. Perfect excuse to stay in with {book}.",
    "Hot take: {take}.",
    "Spent the afternoon {activity}. Highly recommend.",
    "Three things that made today good: coffee, {joy}, and {joy2}.",
    "Anyone know a good {shop} in {city}? Asking for a friend (me).",
    "Day {n} of learning {skill}. {progress}",
    "Just shipped a small fix at work and it felt like a big win. #{tag}",
    "Reading about {topic} and now I have forty open tabs.",
    "The {bird} outside my window has opinions and shares them at 6 am.",
    "Watched {film} again. Still holds up.",
    "Note to self: {food} at midnight is always a good idea until the morning.",
    "Rainy Sunday, {food}, and {podcast}. Not a bad combination.",
    "New plant in the flat. Calling it {plant}. #gardening",
    "Took the long way home past {place} and saw the best sunset of the year.",
    "If you are in {city} this weekend, the {event} is worth a look.",
    "Made {food} for the first time. It looked nothing like the photo and tasted great.",
    "Cycled to work for the first time in weeks. My legs have filed a complaint. #cycling",
    "Somebody left a box of free books outside {shop2}. Took {book}, left two.",
    "Today I learned about {topic}. The world is wonderfully strange.",
    "{weather} again. The {bird} does not seem to mind.",
    "Packing for {city}. Every trip I swear I will pack light, and every trip I don't.",
    "Best thing about working from home: {joy}. Worst thing: the fridge is right there.",
    "Quiet evening, {podcast}, and a cup of tea. #coffee can wait until tomorrow.",
    "Spent way too long choosing a font for a slide nobody will read. #webdev",
]

ABOUT = [
    "{role} in {city}. {Interest} and {interest2}.",
    "{role}. Mostly here for {interest} and {interest2}.",
    "{Interest}, {interest2} and the occasional rant about {thing}.",
    "{role} by day, {interest} by night. {city}.",
    "Living in {city}. Into {interest}, {interest2} and good bread.",
]

# A few short exchanges; the first line comes from the other person, then the two take turns.
CONVERSATIONS = [
    ["Are we still on for coffee on Saturday?", "Yes! The place by {place}?", "Perfect. 10 o'clock?",
     "See you there."],
    ["Did you finish {book} yet?", "Two chapters left, no spoilers please!", "My lips are sealed.",
     "Okay, finished. That ending!", "Told you. We need to talk about it over {food}."],
    ["I found the recipe for that {food} you liked.", "Oh amazing, send it over!",
     "Here you go. Double the garlic, trust me."],
    ["Thanks again for the help with the move.", "Any time! How is the new place?",
     "Still boxes everywhere, but the light in the mornings is lovely.",
     "Let me know when the housewarming is."],
    ["Want to join the {event} next weekend?", "Sounds fun, who else is going?",
     "A few people from the running club.", "Count me in."],
    ["How is the {skill} going?", "{progress} Ask me again in a month.", "Ha, I will hold you to that."],
]

SLOT = re.compile(r"\{(\w+?)(\d?)\}")


def fill(template: str, rng: random.Random, extra: dict[str, str] | None = None) -> str:
    """The template with every ``{slot}`` (or ``{slot2}``, a second, different pick) filled in."""
    chosen: dict[str, str] = dict(extra or {})

    def pick(match: re.Match) -> str:
        name, number = match.group(1), match.group(2)
        key = name + number
        if key not in chosen:
            if name.lower() == "n":
                chosen[key] = str(rng.randint(2, 42))
            else:
                options = [o for o in SLOTS[name.lower()] if o not in chosen.values()] or SLOTS[name.lower()]
                chosen[key] = rng.choice(options)
        value = chosen[key]
        return value[:1].upper() + value[1:] if name[:1].isupper() else value

    return SLOT.sub(pick, template)


def post_text(rng: random.Random) -> str:
    return fill(rng.choice(POSTS), rng)


def about_text(rng: random.Random) -> str:
    return fill(rng.choice(ABOUT), rng)


def conversation_lines(rng: random.Random, index: int) -> list[str]:
    return [fill(line, rng) for line in CONVERSATIONS[index % len(CONVERSATIONS)]]
