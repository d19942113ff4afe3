"""Sign-in providers live in core's one Registry shape: they register from identity's ready(), a
duplicate id is refused, and an unknown configured id stops the start with an error naming it."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from smartkoto import cli
from smartkoto.core.registry import Registry, UnknownPlugin
from smartkoto.identity import checks
from smartkoto.identity.providers import oidc, registry
from smartkoto.identity.providers.base import IdentityProvider


def test_the_builtin_providers_registered_from_ready():
    assert isinstance(registry.providers, Registry)
    assert {"oidc", "digital_auth_app", "development"} <= set(registry.ids())
    assert registry.providers.get("development") is oidc.DevelopmentProvider
    assert isinstance(registry.get("digital_auth_app"), oidc.DigitalAuthAppProvider)
    assert not hasattr(registry, "load_builtin")  # the registry never imports plug-ins itself


def test_a_second_provider_under_a_taken_id_is_refused():
    with pytest.raises(ValueError, match="identity provider 'oidc' is registered twice"):

        @registry.providers("oidc")
        class Impostor(IdentityProvider):
            pass

    assert registry.providers.get("oidc") is oidc.OIDCProvider


def test_asking_for_an_unknown_provider_names_it_and_the_known_ones():
    with pytest.raises(UnknownPlugin) as unknown:
        registry.get("mynaportal")
    assert "'mynaportal'" in str(unknown.value) and "development" in str(unknown.value)


def test_the_configured_provider_passes_the_check(settings):
    settings.RESIDENT_IDENTITY_PROVIDER = "development"
    assert checks.configured_identity_provider(None) == []


def test_an_unknown_configured_provider_is_a_system_check_error_naming_it(settings):
    settings.RESIDENT_IDENTITY_PROVIDER = "mynaportal"
    (error,) = checks.configured_identity_provider(None)
    assert error.id == "identity.E001" and error.is_serious()
    assert "'mynaportal'" in error.msg and "digital_auth_app" in error.hint
    with pytest.raises(SystemCheckError, match="identity.E001"):
        call_command("check")


def test_the_server_refuses_to_start_with_an_unknown_provider(settings, capsys):
    settings.RESIDENT_IDENTITY_PROVIDER = "mynaportal"
    with pytest.raises(SystemExit) as stopped:
        cli.refuse_misconfiguration()
    assert stopped.value.code == 2
    assert "identity.E001" in capsys.readouterr().err


def test_the_server_starts_with_a_known_provider(settings):
    settings.RESIDENT_IDENTITY_PROVIDER = "development"
    cli.refuse_misconfiguration()  # no exit
