"""Lentera as an ASGI app: the Streamlit pages of app.py plus health routes and a warm-up.

`streamlit run serve.py` (what `make run` and `make serve` start) finds `app` below.
"""

import streamlit as st
from starlette.middleware import Middleware

from lentera.core import privacy
from lentera.web import api, downloads, pagelang, signin
from lentera.web.server import ROUTES, lifespan

# Log lines are redacted from the server's start (app.py installs it too, for `streamlit run app.py`).
privacy.install_log_redaction()
app = st.App("app.py", routes=ROUTES + signin.ROUTES + api.ROUTES + downloads.ROUTES,
             lifespan=lifespan,
             middleware=[Middleware(api.SecurityHeaders), Middleware(downloads.OwnEncoding),
                         Middleware(pagelang.HtmlLang)])
