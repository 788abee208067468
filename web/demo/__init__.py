"""The demo data of `manage.py demo`, in parts the command runs in order:

- `organisations`: IOM, four partner NGOs, two donors, three projects, one user per role;
- `people`: about 2,000 people registered by the partners and IOM;
- `assistances`: about 10,000 assistances over the last two years, by each partner's mix;
- `results`: each project's axes, expected results and targets (results frameworks);
- `stories`: referrals (answered or not), return cases at every stage, a published bilan;
- `capacity`: trainings, workshops and coordination meetings, a few in the last quarter.

Every part draws from one seeded random generator (`world.Demo`), in the same order on every
run, so a seed always gives the same data. The fixed lists (names, organisations, what each
partner delivers) are in `reference`.
"""
