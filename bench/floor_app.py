"""The floor: the smallest Streamlit page, its title alone (``bench_map.py``).

Nothing on this stack (Streamlit's JavaScript, its WebSocket, a first script run)
can paint sooner; every view of the app is measured against the time this page
takes to paint its title, in the same run.
"""

import streamlit as st

st.title("Couverture OPSN")
