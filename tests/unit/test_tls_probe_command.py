from ansible_collections.voipsec.baresip.plugins.modules import tls_probe

BASE = {"host": "192.0.2.5", "port": 5061, "timeout": 10, "openssl_path": "openssl"}


def test_module_client_certificate_goes_into_every_offer():
    params = dict(BASE, client_cert="/a/cert.pem", client_key="/a/key.pem")
    argv = tls_probe.build_command(params, {"name": "profile", "version": "TLSv1.2"})
    assert argv[argv.index("-cert") + 1] == "/a/cert.pem"
    assert argv[argv.index("-key") + 1] == "/a/key.pem"


def test_an_offer_with_its_own_certificate_overrides_the_module_one():
    params = dict(BASE, client_cert="/a/cert.pem", client_key="/a/key.pem")
    offer = {"name": "foreign", "client_cert": "/b/cert.pem", "client_key": "/b/key.pem"}
    argv = tls_probe.build_command(params, offer)
    assert argv.count("-cert") == 1 and argv.count("-key") == 1
    assert argv[argv.index("-cert") + 1] == "/b/cert.pem"
    assert argv[argv.index("-key") + 1] == "/b/key.pem"


def test_no_certificate_anywhere_sends_none():
    argv = tls_probe.build_command(dict(BASE), {"name": "anonymous"})
    assert "-cert" not in argv and "-key" not in argv
    assert argv[:2] == ["timeout", "10"]
    # s_client reads "Q" from a pipe, not from this process (a quick refusal would give EPIPE)
    assert argv[2:6] == ["sh", "-c", 'printf Q | "$@"', "sh"]
    assert argv[6:10] == ["openssl", "s_client", "-connect", "192.0.2.5:5061"]
