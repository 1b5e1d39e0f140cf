# shellcheck shell=bash
# A listener that tells who connected: busybox httpd with a CGI script that
# prints the peer's address (REMOTE_ADDR), as the listener itself saw it. For
# the SNAT/DNAT tests. Source after tests/lib/cluster.sh, after cluster_up.
#
#   peer_www_setup                       # once: the document root in $CL_DIR
#   httpd_in NS [ADDR:]PORT              # a server in network namespace NS
#   peer_seen NS IP PORT                 # what IP:PORT saw as NS's address
#   from_fabric IP PORT                  # the same, from the fabric namespace

PEER_WWW=

peer_www_setup() {
	PEER_WWW=$CL_DIR/www
	mkdir -p "$PEER_WWW/cgi-bin"
	printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "peer $REMOTE_ADDR"\n' \
		>"$PEER_WWW/cgi-bin/peer"
	chmod 755 "$PEER_WWW/cgi-bin/peer"
}

# httpd_in NS [ADDR:]PORT: started in the background, its pid in $CL_DIR
# (cluster_down kills it).
httpd_in() {
	ip netns exec "$1" busybox httpd -f -p "$2" -h "$PEER_WWW" >/dev/null 2>&1 &
	echo $! >"$CL_DIR/httpd-$1-${2//[:.]/_}.pid"
	disown $!
}

# peer_seen NS IP PORT: the address the server at IP:PORT saw ("" if it
# could not be reached within 4 s). An IPv4-mapped IPv6 peer is printed as
# IPv4.
peer_seen() {
	# (busybox 1.35's wget -T crashes: timeout(1) bounds it instead)
	ip netns exec "$1" timeout 4 busybox wget -qO- "http://$2:$3/cgi-bin/peer" 2>/dev/null |
		sed -n 's/^peer \[::ffff:\(.*\)\]$/\1/p; s/^peer \([0-9.]*\)$/\1/p'
}

from_fabric() { peer_seen "$CL_FABRIC" "$@"; }

# expect_peer WHAT GOT WANT
expect_peer() {
	if [ "$2" = "$3" ]; then ok "$1: peer $2"; else fail "$1: peer \"$2\", expected \"$3\""; fi
}

# expect_closed WHAT IP PORT: nothing answers IP:PORT from the fabric.
expect_closed() {
	local got
	got=$(from_fabric "$2" "$3")
	if [ -z "$got" ]; then ok "$1: $2:$3 closed"; else fail "$1: $2:$3 still answers (peer $got)"; fi
}

# udp_peer_in NS PORT: a UDP server in NS answering each datagram with
# "peer <source address>" (python3: busybox has no UDP nc).
udp_peer_in() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(512)
    s.sendto(("peer %s\n" % peer[0]).encode(), peer)
' "$2" >/dev/null 2>&1 &
	echo $! >"$CL_DIR/udp-$1-$2.pid"
	disown $!
}

# udp_peer_seen NS IP PORT: what the UDP server at IP:PORT saw as our
# address ("" without an answer within 2 s).
udp_peer_seen() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"hi", (sys.argv[1], int(sys.argv[2])))
try:
    print(s.recv(512).decode().split()[1])
except OSError:
    pass
' "$2" "$3" 2>/dev/null
}
