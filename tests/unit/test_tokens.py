from services.domain.tokens import new_salt, status_link, status_token, token_digest, token_matches


def test_a_status_token_carries_256_bits_and_is_url_safe():
    token = status_token("s" * 40, 7, new_salt())
    assert len(token) == 43
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_same_inputs_derive_the_same_token_and_any_change_another():
    salt = new_salt()
    token = status_token("secret-" * 6, 7, salt)
    assert status_token("secret-" * 6, 7, salt) == token
    assert status_token("secret-" * 6, 8, salt) != token
    assert status_token("other--" * 6, 7, salt) != token
    assert status_token("secret-" * 6, 7, new_salt()) != token


def test_only_the_token_itself_matches_its_digest():
    token = status_token("k" * 40, 1, new_salt())
    digest = token_digest(token)
    assert digest != token
    assert token_matches(token, digest)
    for wrong in (None, "", token[:-1], token + "x", "x" * 10_000):
        assert not token_matches(wrong, digest)


def test_the_status_link_points_at_the_ticket_page():
    assert status_link("http://h:8000/", 5, "abc") == "http://h:8000/tickets/5?token=abc"
