from smartkoto.guide.redact import redact


def test_personal_data_is_removed_from_a_logged_question():
    text = redact("山田さんの件 taro.yamada@example.jp 〒135-0016 03-3647-9111 090-1234-5678 ﾏｲﾅﾝﾊﾞｰ 1234 5678 9018 口座 1234567")
    for secret in ("taro", "example.jp", "135-0016", "3647", "1234", "9018", "山田"):
        assert secret not in text, secret
    assert "[email]" in text and "[phone]" in text and "[postal code]" in text and "[name]さん" in text


def test_a_question_without_personal_data_is_kept():
    assert redact("粗大ごみの出し方を教えて") == "粗大ごみの出し方を教えて"
    assert redact("14日以内に届ける?") == "14日以内に届ける?"  # short numbers are not personal data
