"""The demo force: ``upstream demo`` builds a fictional force area with its people and data.

The demo is a registry of steps, so each capability adds its own demo data without editing this package.
A step is a module named ``demo`` in an installed app (``upstream/directory/demo.py``), with:

    order = 40                      # steps run in this order; places is 10, organisations and users 20
    label = "Directory: services"   # optional, shown in the progress output

    def build(context):             # context: upstream.demo.registry.DemoContext
        rng = context.random("directory")        # a random.Random seeded from the demo seed and the name
        force = context.force                    # the Avonmere force area (places.Area)
        police = context.organisations["police"] # see upstream.demo.organisations.ORGANISATIONS
        officer = context.users["officer"]       # one demo user per role, by role value
        ...                                      # create or update by a natural key: runs must be idempotent
        return {"services created": 12}          # counts to print (optional)

Rules for a step: the same seed must give the same data, and running the demo twice must change nothing
(look records up by a natural key before creating them). Each step runs in its own transaction. Fictional
data only; codes that cannot collide with real ones (areas use a Z prefix: see upstream.places.demo).
The demo package's own step (organisations, teams and users) lives in upstream/demo/organisations.py.
"""
