"""The leaders' board (领导班子公示) keeps each name and each phone number whole on a desktop and a phone:
a line may break between two numbers in one cell, never inside a name or a number."""

from django.test import Client

from sunlit.core.templatetags.sunlit import whole_numbers
from sunlit.org.models import Official


def test_each_number_is_kept_whole_and_the_rest_escaped():
    shown = whole_numbers("0797-6213228（县纪委监委：0797-6213002）<b>")
    assert shown == ('<span class="nowrap">0797-6213228</span>（县纪委监委：'
                     '<span class="nowrap">0797-6213002</span>）&lt;b&gt;')


def test_the_board_marks_names_and_numbers_to_stay_whole_and_dials_the_first(county):
    Official.objects.create(name="阿卜杜热合曼·买买提", unit=county["land"], title="副局长",
                            public_phone="0797-6213228（县纪委监委：0797-6213002）")
    page = Client().get("/units/YD-ZRZY/").content.decode()
    assert '<td data-label="姓名" class="person">阿卜杜热合曼·买买提</td>' in page
    assert ('<a href="tel:0797-6213228"><span class="nowrap">0797-6213228</span>（县纪委监委：'
            '<span class="nowrap">0797-6213002</span>）</a>') in page
    css = Client().get("/static/sunlit/site.css")
    stylesheet = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
    assert "table.leaders td.person { white-space:nowrap;" in stylesheet
