"""A shared figure is turned into its dict once, not on every rerun (issue 12), and the dict is the same."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio

from ui.components import final_figure


def _figure() -> go.Figure:
    return go.Figure(go.Bar(x=["Hamme", "Stiepel"], y=[24.1, 6.2], name="Kinderarmut"),
                     layout={"title": {"text": "Kinderarmut 2024"}})


def test_a_final_figure_makes_its_dict_once_and_serialises_as_before():
    expected = pio.to_json(_figure().to_dict(), validate=False)
    fig = final_figure(_figure())
    first = fig.to_dict()
    assert fig.to_dict() is first  # made once: later reruns reuse it
    assert pio.to_json(first, validate=False) == expected
    assert final_figure(fig) is fig and isinstance(fig, go.Figure)


def test_streamlit_sends_the_same_spec_for_a_final_figure():
    from streamlit.testing.v1 import AppTest

    def app():
        import plotly.graph_objects as go
        import streamlit as st

        from ui.components import final_figure

        fig = go.Figure(go.Bar(x=["Hamme", "Stiepel"], y=[24.1, 6.2]))
        st.session_state["plain"] = fig.to_json(validate=False)
        st.plotly_chart(final_figure(fig), key="c")

    at = AppTest.from_function(app).run()
    sent = json.loads(at.get("plotly_chart")[0].proto.spec)
    plain = json.loads(at.session_state["plain"])
    assert sent["data"] == plain["data"] and sent["layout"] == plain["layout"]


def test_a_final_figure_makes_its_data_table_once_per_language():
    from ui.alt_text import figure_table

    fig = final_figure(_figure())
    table = fig.data_table("de")
    assert fig.data_table("de") is table  # the text alternative of a shared figure is read out once
    assert table.equals(figure_table(_figure(), "de"))
    assert fig.data_table("en").equals(figure_table(_figure(), "en"))
