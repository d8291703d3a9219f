"""Rules for challenges, their phases and their events (see ../predicates.py).

Who may see a challenge: anyone its audience admits once it is published; its managers
(organisation admins and innovation leads) and platform admins always, drafts included.
Managers create, edit and publish. People the audience admits register for its event while
registration is open and the event has not started, once their e-mail address is confirmed.
"""

import rules

from civiclab.challenges import predicates as p

rules.add_perm("challenges.view_challenge", p.can_view_challenge)
# On an organisation (or an object that has one).
rules.add_perm("challenges.add_challenge", p.runs_challenges)
rules.add_perm("challenges.change_challenge", p.runs_challenges)
rules.add_perm("challenges.publish_challenge", p.runs_challenges)
rules.add_perm("challenges.change_event", p.runs_challenges)
rules.add_perm("challenges.view_event_registrations", p.runs_challenges)
rules.add_perm(
    "challenges.register_event",
    p.takes_part & p.event_accepts_registrations,
)
