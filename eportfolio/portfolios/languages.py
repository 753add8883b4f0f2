"""Languages a learner can list: ISO 639-1 codes (639-3 where none exists), Swedish and English.

A curated list of the languages most spoken in Sweden, including the national minority
languages and Swedish sign language; extend it here when people ask for more.
"""

from __future__ import annotations

LANGUAGES: dict[str, tuple[str, str]] = {
    "sv": ("svenska", "Swedish"),
    "en": ("engelska", "English"),
    "ar": ("arabiska", "Arabic"),
    "fi": ("finska", "Finnish"),
    "so": ("somaliska", "Somali"),
    "fa": ("persiska", "Persian"),
    "prs": ("dari", "Dari"),
    "ps": ("pashto", "Pashto"),
    "ti": ("tigrinja", "Tigrinya"),
    "am": ("amhariska", "Amharic"),
    "om": ("oromo", "Oromo"),
    "ku": ("kurdiska", "Kurdish"),
    "ckb": ("kurdiska (sorani)", "Kurdish (Sorani)"),
    "kmr": ("kurdiska (kurmanji)", "Kurdish (Kurmanji)"),
    "tr": ("turkiska", "Turkish"),
    "uk": ("ukrainska", "Ukrainian"),
    "ru": ("ryska", "Russian"),
    "pl": ("polska", "Polish"),
    "bs": ("bosniska", "Bosnian"),
    "hr": ("kroatiska", "Croatian"),
    "sr": ("serbiska", "Serbian"),
    "sq": ("albanska", "Albanian"),
    "mk": ("makedonska", "Macedonian"),
    "bg": ("bulgariska", "Bulgarian"),
    "ro": ("rumänska", "Romanian"),
    "el": ("grekiska", "Greek"),
    "de": ("tyska", "German"),
    "fr": ("franska", "French"),
    "es": ("spanska", "Spanish"),
    "pt": ("portugisiska", "Portuguese"),
    "it": ("italienska", "Italian"),
    "nl": ("nederländska", "Dutch"),
    "da": ("danska", "Danish"),
    "no": ("norska", "Norwegian"),
    "is": ("isländska", "Icelandic"),
    "et": ("estniska", "Estonian"),
    "lv": ("lettiska", "Latvian"),
    "lt": ("litauiska", "Lithuanian"),
    "hu": ("ungerska", "Hungarian"),
    "cs": ("tjeckiska", "Czech"),
    "sk": ("slovakiska", "Slovak"),
    "sl": ("slovenska", "Slovenian"),
    "he": ("hebreiska", "Hebrew"),
    "ur": ("urdu", "Urdu"),
    "hi": ("hindi", "Hindi"),
    "bn": ("bengali", "Bengali"),
    "pa": ("punjabi", "Punjabi"),
    "ta": ("tamil", "Tamil"),
    "zh": ("kinesiska", "Chinese"),
    "ja": ("japanska", "Japanese"),
    "ko": ("koreanska", "Korean"),
    "vi": ("vietnamesiska", "Vietnamese"),
    "th": ("thailändska", "Thai"),
    "tl": ("tagalog", "Tagalog"),
    "sw": ("swahili", "Swahili"),
    "rw": ("kinyarwanda", "Kinyarwanda"),
    "ln": ("lingala", "Lingala"),
    "yo": ("yoruba", "Yoruba"),
    "ig": ("igbo", "Igbo"),
    "az": ("azerbajdzjanska", "Azerbaijani"),
    "hy": ("armeniska", "Armenian"),
    "ka": ("georgiska", "Georgian"),
    "uz": ("uzbekiska", "Uzbek"),
    "se": ("nordsamiska", "Northern Sami"),
    "fit": ("meänkieli", "Meänkieli"),
    "rom": ("romani", "Romani"),
    "yi": ("jiddisch", "Yiddish"),
    "swl": ("svenskt teckenspråk", "Swedish Sign Language"),
}


def language_name(code: str, locale: str) -> str:
    """Return the language's name in the interface language."""
    sv, en = LANGUAGES.get(code, (code, code))
    return en if locale == "en" else sv


def language_options(locale: str) -> list[tuple[str, str]]:
    """Return (code, name) pairs sorted by name, Swedish and English first."""
    first = [(c, language_name(c, locale)) for c in ("sv", "en")]
    rest = sorted(
        ((c, language_name(c, locale)) for c in LANGUAGES if c not in ("sv", "en")),
        key=lambda pair: pair[1],
    )
    return first + rest
