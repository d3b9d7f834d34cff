from common.kept import kept, kept_key


def test_a_value_is_built_once_while_its_key_holds_and_anew_under_a_new_key():
    built = []

    def build():
        built.append(1)
        return f"page {len(built)}"

    assert kept("test:page", ("vi", "version 1"), build, 30) == "page 1"
    assert kept("test:page", ("vi", "version 1"), build, 30) == "page 1"
    assert kept("test:page", ("vi", "version 2"), build, 30) == "page 2"  # a change names a new key
    assert kept("test:page", ("en", "version 2"), build, 30) == "page 3"


def test_what_keep_refuses_is_built_every_time():
    built = []

    def build():
        built.append(1)
        return 404

    assert kept("test:refused", (), build, 30, keep=lambda status: status == 200) == 404
    kept("test:refused", (), build, 30, keep=lambda status: status == 200)
    assert len(built) == 2


def test_the_key_has_a_bounded_length_whatever_the_parts():
    assert len(kept_key("p", ("x" * 100_000, 1))) == len(kept_key("p", ()))
