"""Shared pieces of the forms pages tests: a small household-visit form written as an
XLSForm (groups, a repeat inside a group, a choice list, a register list, a photo, a
constraint with its message, a calculation, an image the form expects), and uploads."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from server.xforms.xlsform import xlsx_from_markdown


def visit_form(version: str = "2026112301", *, members_label: str = "居住人数") -> str:
    return f"""
| survey |
|        | type                                | name        | label::Chinese (zh) | label::English (en) | hint::Chinese (zh) | hint::English (en)   | required | relevant             | constraint            | constraint_message::Chinese (zh) | constraint_message::English (en) | calculation       | media::image::Chinese (zh) | media::image::English (en) |
|        | note                                | welcome     | 欢迎使用            | Welcome             |                    |                      |          |                      |                       |                                  |                                  |                   | logo.jpg                   | logo.jpg                   |
|        | begin_group                         | grp_hh      | 住户                | Household           |                    |                      |          |                      |                       |                                  |                                  |                   |                            |                            |
|        | select_one_from_file households.csv | household   | 住户（单元-房号）   | Household (room)    | 输入房号查找       | Type the room number | yes      |                      |                       |                                  |                                  |                   |                            |                            |
|        | integer                             | members     | {members_label}     | People living here  |                    |                      | yes      |                      | . >= 0 and . <= 20    | 人数应在0到20之间                | Between 0 and 20                 |                   |                            |                            |
|        | end_group                           |             |                     |                     |                    |                      |          |                      |                       |                                  |                                  |                   |                            |                            |
|        | begin_group                         | grp_needs   | 诉求登记            | Needs               |                    |                      |          |                      |                       |                                  |                                  |                   |                            |                            |
|        | select_one yes_no                   | has_needs   | 有无诉求            | Any needs?          |                    |                      | yes      |                      |                       |                                  |                                  |                   |                            |                            |
|        | begin_repeat                        | needs       | 诉求                | Need                |                    |                      |          | ${{has_needs}} = 'yes' |                     |                                  |                                  |                   |                            |                            |
|        | text                                | need_desc   | 诉求内容            | What is needed      |                    |                      | yes      |                      | string-length(.) >= 4 | 至少写4个字                      | At least 4 characters            |                   |                            |                            |
|        | image                               | need_photo  | 诉求照片            | Photo of the need   |                    |                      |          |                      |                       |                                  |                                  |                   |                            |                            |
|        | end_repeat                          |             |                     |                     |                    |                      |          |                      |                       |                                  |                                  |                   |                            |                            |
|        | end_group                           |             |                     |                     |                    |                      |          |                      |                       |                                  |                                  |                   |                            |                            |
|        | calculate                           | needs_count |                     |                     |                    |                      |          |                      |                       |                                  |                                  | count(${{needs}}) |                            |                            |
| choices |
|         | list_name | name | label::Chinese (zh) | label::English (en) |
|         | yes_no    | yes  | 是                  | Yes                 |
|         | yes_no    | no   | 否                  | No                  |
| settings |
|          | form_id     | version   | form_title | default_language |
|          | visit_check | {version} | 走访核对   | Chinese (zh)     |
"""


def broken_visit_form(version: str = "2026112301") -> str:
    """The visit form with a typo in row 5 of the survey sheet (type "integr")."""
    return visit_form(version).replace("| integer  ", "| integr   ")


def workbook(md: str, name: str = "visit_check.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_from_markdown(md))


def upload(client: Client, md: str, path: str = "/forms/", name: str = "visit_check.xlsx"):
    return client.post(path, {"file": workbook(md, name)})
