"""Schemathesis hooks of the API fuzz test: path ids are real ones of the tenant most of the
time (from the file named by YINGHUO_FUZZ_POOLS), so the fuzzing reaches past the 404 of an
unknown id into the code that handles a real record; the rest stay what schemathesis draws."""
import json
import os
import random

import schemathesis
# imported here, once, before the workers start: two workers' first requests importing these
# at the same moment can each see the other's half-done module (an ImportError in schemathesis)
import schemathesis.transport.asgi  # noqa: F401
import schemathesis.transport.requests  # noqa: F401
import schemathesis.transport.wsgi  # noqa: F401

POOLS = json.loads(open(os.environ["YINGHUO_FUZZ_POOLS"]).read())


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    for name in list(path_parameters):
        if name in POOLS and random.random() < 0.85:
            path_parameters[name] = random.choice(POOLS[name])
    return path_parameters
