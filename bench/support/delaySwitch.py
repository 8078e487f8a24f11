"""A switch that delays every IPv4 packet, for bench/support/DelayLab.ts (the kernel here has no
netem). `python3 delaySwitch.py JSON`, JSON a list of {"name", "address", "delayMs"}: opens one TUN
device per entry (the lab then moves each into a network namespace and gives it the address),
prints `ready`, then carries each packet from the device it left by to the device holding its
destination address, after the sum of both devices' delays: each host's access link has its own
one-way delay, as in `tc netem delay` on both ends of it. Packets to any other address are
dropped, so nothing leaves the lab. It exits when its stdin closes (the bench ended or died).
"""
import fcntl
import heapq
import json
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

hosts = json.loads(sys.argv[1])
delay = {}
by_address = {}
for host in hosts:
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', host['name'].encode(), IFF_TUN | IFF_NO_PI))
    delay[fd] = host['delayMs'] / 1000
    by_address[socket.inet_aton(host['address'])] = fd
print('ready', flush=True)

stdin = sys.stdin.fileno()
due = []  # (when, sequence, device, packet): FIFO between any two hosts, as their delay is constant
sequence = 0
while True:
    timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
    readable, _, _ = select.select([stdin, *delay], [], [], timeout)
    now = time.monotonic()
    for fd in readable:
        if fd == stdin:
            if not os.read(stdin, 4096):
                sys.exit(0)
            continue
        while True:
            try:
                packet = os.read(fd, 65536)
            except (BlockingIOError, OSError):
                break
            if len(packet) < 20 or packet[0] >> 4 != 4:
                continue
            target = by_address.get(packet[16:20])
            if target is None:
                continue
            sequence += 1
            heapq.heappush(due, (now + delay[fd] + delay[target], sequence, target, packet))
    now = time.monotonic()
    while due and due[0][0] <= now:
        _, _, target, packet = heapq.heappop(due)
        try:
            os.write(target, packet)
        except OSError:
            pass  # the device is not up yet, or is going away with its namespace
