"""Lentera as an ASGI app: the Streamlit pages of app.py plus health routes and a warm-up.

`streamlit run serve.py` (what `make run` and `make serve` start) finds `app` below.
"""

import streamlit as st

from lentera.web import signin
from lentera.web.server import ROUTES, lifespan

app = st.App("app.py", routes=ROUTES + signin.ROUTES, lifespan=lifespan)
