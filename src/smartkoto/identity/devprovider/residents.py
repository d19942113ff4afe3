"""Sample Koto residents the development provider lets you sign in as. Fictional people, real towns."""

SAMPLE_RESIDENTS = [
    {
        "sub": "dev-koto-hanako",
        "name": "江東 花子",
        "name_en": "Hanako Koto",
        "birthdate": "1988-04-12",
        "gender": "female",
        "address": {"formatted": "東京都江東区東陽四丁目2番1号", "postal_code": "135-0016"},
        "note_ja": "36歳、子育て中",
        "note_en": "36, raising a small child",
    },
    {
        "sub": "dev-fukagawa-taro",
        "name": "深川 太郎",
        "name_en": "Taro Fukagawa",
        "birthdate": "1950-11-03",
        "gender": "male",
        "address": {"formatted": "東京都江東区深川二丁目8番19号", "postal_code": "135-0033"},
        "note_ja": "75歳、ひとり暮らし",
        "note_en": "75, lives alone",
    },
    {
        "sub": "dev-toyosu-mirai",
        "name": "SMITH JOHN",
        "name_en": "John Smith",
        "birthdate": "1993-07-21",
        "gender": "male",
        "address": {"formatted": "東京都江東区豊洲五丁目6番1号", "postal_code": "135-0061"},
        "note_ja": "外国籍の住民（在留カード所持）",
        "note_en": "Foreign resident",
    },
    {
        "sub": "dev-kameido-sakura",
        "name": "亀戸 さくら",
        "name_en": "Sakura Kameido",
        "birthdate": "2001-01-15",
        "gender": "female",
        "address": {"formatted": "東京都江東区亀戸六丁目31番6号", "postal_code": "136-0071"},
        "note_ja": "24歳、会社員",
        "note_en": "24, office worker",
    },
]


def by_subject(sub):
    return next((person for person in SAMPLE_RESIDENTS if person["sub"] == sub), None)
