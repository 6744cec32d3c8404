# citywifi walled garden for a MikroTik Hotspot (RouterOS 6.x and 7.x).
#
# A phone that is not logged in yet must reach the citywifi portal, and nothing else. Set the
# portal's host name on the :local line below (the only line to edit; the same host as in the
# <base> line of login.html, without https:// or a path), then load the file on the router:
#   /import file-name=walled-garden.rsc
# Running it again replaces the entries it made before (they carry the comment "citywifi portal").
#
# - walled-garden: lets plain-HTTP requests to the portal through the hotspot's web proxy.
# - walled-garden ip: lets every packet to the portal's addresses through (HTTPS cannot be seen by
#   the proxy, so an https:// portal needs this); dst-host makes the router resolve the name and
#   keep dynamic address entries for it.
#
# Never add the phones' connectivity-check hosts (connectivitycheck.gstatic.com, captive.apple.com,
# www.msftconnecttest.com, detectportal.firefox.com, ...): the hotspot must intercept those probes,
# otherwise a phone decides it is "connected, no internet" and never opens its sign-in window.
{
  :local portal "wifi.example.go.id"
  /ip hotspot walled-garden remove [find where comment="citywifi portal"]
  /ip hotspot walled-garden ip remove [find where comment="citywifi portal"]
  /ip hotspot walled-garden add dst-host=$portal action=allow comment="citywifi portal"
  /ip hotspot walled-garden ip add dst-host=$portal action=accept comment="citywifi portal"
}
