"""A small English stop-word list.

Deliberately short: only words that carry no topic in an idea's title or summary. Words that
can matter in a public-sector proposal ("not", "free", "more", "new") are left in, because
"free parking" and "parking" are different ideas.
"""

_LIST = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me my myself nor of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves also etc via per
    let lets may might must shall us im ive id youre theyre weve dont doesnt isnt wont cant
"""

STOP_WORDS: frozenset[str] = frozenset(_LIST.split())
