"""The Skåne Nordost kommuner with their official SCB kommunkoder."""

SKNO_MUNICIPALITIES: tuple[tuple[str, str], ...] = (
    ("1256", "Östra Göinge"),
    ("1266", "Hörby"),
    ("1272", "Bromölla"),
    ("1273", "Osby"),
    ("1275", "Perstorp"),
    ("1290", "Kristianstad"),
    ("1293", "Hässleholm"),
)
SKANE_COUNTY = "12"
