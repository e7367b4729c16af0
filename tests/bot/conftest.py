from tests.flows.conftest import world  # noqa: F401  (the program driven through its flows)
