#!/usr/bin/python3
"""Drives a bits4j management endpoint with Debian's python3-winrm (pywinrm), as a Windows
controller would drive the BITS WMI provider: raw Invoke/Get envelopes built with pywinrm's own
header builder, sent through its Basic-over-HTTPS transport.

usage: wsman_interop.py ENDPOINT CA_PEM ADMIN PASSWORD USER USER_PASSWORD PREFIX SOURCE DEST
prints one line per step and "OK" at the end; exits 1 on the first failure.
"""
import sys
import time
import xml.etree.ElementTree as ET

import xmltodict
from winrm.exceptions import InvalidCredentialsError, WinRMError
from winrm.protocol import Protocol

BITS = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/'
GROUP = BITS + 'BitsCompactServerUrlGroup'
JOB = BITS + 'BitsClientJob'
GET = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get'
SOAP = 'http://www.w3.org/2003/05/soap-envelope'

endpoint, ca_pem, admin, password, user, user_password, prefix, source, dest = sys.argv[1:10]


def protocol(name, secret):
    return Protocol(endpoint, transport='basic', username=name, password=secret,
                    server_cert_validation='validate', ca_trust_path=ca_pem,
                    read_timeout_sec=30, operation_timeout_sec=20)


def envelope(p, action, uri, selectors=None, body=None):
    req = {'env:Envelope': p._get_soap_header(action=action, resource_uri=uri)}
    if selectors:
        req['env:Envelope']['env:Header']['w:SelectorSet'] = {
            'w:Selector': [{'@Name': k, '#text': v} for k, v in selectors.items()]}
    req['env:Envelope']['env:Body'] = body if body is not None else {}
    return xmltodict.unparse(req)


def invoke(p, uri, method, params, selectors=None):
    body = {'p:%s_INPUT' % method: dict({'@xmlns:p': uri},
                                        **{'p:' + k: v for k, v in params.items()})}
    res = p.send_message(envelope(p, uri + '/' + method, uri, selectors, body))
    root = ET.fromstring(res)
    out = root.find('{%s}Body/{%s}%s_OUTPUT' % (SOAP, uri, method))
    if out is None:
        raise AssertionError('no %s_OUTPUT in %s' % (method, res))
    values = {child.tag.split('}')[1]: child.text for child in out}
    return int(values['ReturnValue']), values


def get(p, uri, selectors):
    res = p.send_message(envelope(p, GET, uri, selectors))
    root = ET.fromstring(res)
    inst = root.find('{%s}Body' % SOAP)[0]
    return {child.tag.split('}')[1]: child.text for child in inst}


def check(cond, what):
    if not cond:
        print('FAILED: ' + what)
        sys.exit(1)
    print('ok: ' + what)


p = protocol(admin, password)
rv, _ = invoke(p, GROUP, 'CreateUrlGroup', {'UrlGroup': prefix})
check(rv == 0, 'CreateUrlGroup %s -> %d' % (prefix, rv))
rv, _ = invoke(p, GROUP, 'CreateUrl', {'UrlSuffix': 'file.bin', 'SourceFilePath': source, 'SDDLAuth': ''},
               {'UrlGroup': prefix})
check(rv == 0, 'CreateUrl -> %d' % rv)
rv, out = invoke(p, GROUP, 'CheckUrl', {'UrlSuffix': 'file.bin'}, {'UrlGroup': prefix})
check(rv == 0 and out.get('UrlExists') == 'true', 'CheckUrl -> %d %s' % (rv, out.get('UrlExists')))
group = get(p, GROUP, {'UrlGroup': prefix})
check(group.get('UrlGroup') == prefix, 'Get UrlGroup -> %s' % group.get('UrlGroup'))

url = prefix.replace('+', '127.0.0.1') + '/file.bin'
rv, out = invoke(p, JOB, 'CreateJob', {'DisplayName': 'pywinrm', 'RemoteUrl': url, 'LocalFile': dest})
job_id = out.get('JobId')
check(rv == 0 and job_id, 'CreateJob -> %d %s' % (rv, job_id))
state = None
for _ in range(200):
    state = get(p, JOB, {'JobId': job_id}).get('State')
    if state in ('4', '6'):
        break
    time.sleep(0.05)
check(state == '6', 'Get until State 6 -> %s' % state)
rv, _ = invoke(p, JOB, 'SetJobState', {'JobState': '1'}, {'JobId': job_id})
check(rv == 0, 'SetJobState(1) -> %d' % rv)
check(get(p, JOB, {'JobId': job_id}).get('State') == '7', 'Get after complete -> State 7')
rv, _ = invoke(p, GROUP, 'DeleteUrl', {'UrlSuffix': 'file.bin'}, {'UrlGroup': prefix})
check(rv == 0, 'DeleteUrl -> %d' % rv)
rv, _ = invoke(p, GROUP, 'DeleteUrlGroup', {'UrlGroup': prefix})
check(rv == 0, 'DeleteUrlGroup -> %d' % rv)

# a method that fails returns its HRESULT; a protocol error is a fault pywinrm parses
rv, _ = invoke(p, GROUP, 'CreateUrlGroup', {'UrlGroup': 'http://+:80/two/levels'})
check(rv == 0x80070057, 'bad prefix -> ReturnValue 0x%08X' % rv)
try:
    get(p, JOB, {'JobId': 'not-a-guid'})
    check(False, 'bad selector must fault')
except WinRMError as e:
    check('InvalidSelectors' in str(e) and "'wsmanfault_code': '2150858813'" in str(e), 'bad selector -> %s' % e)

try:
    invoke(protocol(user, user_password), GROUP, 'CreateUrlGroup', {'UrlGroup': prefix})
    check(False, 'a non-administrator must be refused')
except WinRMError as e:
    check('AccessDenied' in str(e), 'non-administrator -> %s' % e)
try:
    invoke(protocol(admin, password + 'x'), GROUP, 'CreateUrlGroup', {'UrlGroup': prefix})
    check(False, 'a wrong password must be refused')
except InvalidCredentialsError as e:
    check(True, 'wrong password -> %s' % e)
print('OK')
