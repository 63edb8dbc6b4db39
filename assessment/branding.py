"""The product's one name, in English and Japanese.

Respondents met five different Japanese names across the survey, site, e-mails and report,
which looks like phishing. Every place uses this name: the UI through the gettext msgid
"Innovation Readiness Assessment" (translated to PRODUCT_NAME["ja"]), the bilingual e-mails
through their context, and the 1.1 framework title. tests/test_branding.py checks them all.
"""

PRODUCT_NAME = {"en": "Innovation Readiness Assessment", "ja": "イノベーション準備度診断"}
