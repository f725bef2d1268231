"""A minimal TDS (MS-TDS) client: pre-login, TLS inside pre-login packets, LOGIN7, a SQL
batch and the few token types its answers hold.

Only what the connection test needs, and bounded everywhere: every read has the test's
deadline (through :class:`DeadlineSocket`), a message may hold at most
:data:`MAX_MESSAGE_BYTES` however many packets the peer sends, and every length the peer
announces is checked against what is there before anything is read or allocated.

Why not a TDS library: ``python-tds`` (pytds) opens its own sockets (no address policy per
resolved address), reads with one timeout per call (no overall deadline), and trusts the
lengths it is sent; bounding it would mean re-implementing its transport.
"""

from __future__ import annotations

import os
import ssl
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Packet types (MS-TDS 2.2.3.1.1).
SQL_BATCH = 0x01
TABULAR_RESULT = 0x04
LOGIN7 = 0x10
PRELOGIN = 0x12
EOM = 0x01
HEADER = struct.Struct(">BBHHBB")
PACKET_SIZE = 4096
MAX_PACKET_BYTES = 32767
MAX_MESSAGE_BYTES = 1 << 20
"""The largest answer read (1 MiB): the test's answers are a few hundred bytes."""

# Pre-login options (2.2.6.5) and encryption values.
PL_VERSION, PL_ENCRYPTION, PL_INSTOPT, PL_THREADID, PL_MARS, PL_TERMINATOR = 0, 1, 2, 3, 4, 0xFF
ENCRYPT_OFF, ENCRYPT_ON, ENCRYPT_NOT_SUP, ENCRYPT_REQ = 0, 1, 2, 3
ENCRYPTION_NAMES = {
    ENCRYPT_OFF: "ENCRYPT_OFF (login packet only)",
    ENCRYPT_ON: "ENCRYPT_ON",
    ENCRYPT_NOT_SUP: "ENCRYPT_NOT_SUP (no encryption)",
    ENCRYPT_REQ: "ENCRYPT_REQ",
}
TDS_74 = 0x74000004

# Tokens (2.2.7).
TOKEN_COLMETADATA = 0x81
TOKEN_ERROR = 0xAA
TOKEN_INFO = 0xAB
TOKEN_LOGINACK = 0xAD
TOKEN_FEATUREEXTACK = 0xAE
TOKEN_ROW = 0xD1
TOKEN_NBCROW = 0xD2
TOKEN_ENVCHANGE = 0xE3
TOKEN_DONE, TOKEN_DONEPROC, TOKEN_DONEINPROC = 0xFD, 0xFE, 0xFF
TOKEN_ORDER = 0xA9
TOKEN_RETURNSTATUS = 0x79
TOKEN_SESSIONSTATE = 0xE4
TOKEN_FEDAUTHINFO = 0xEE

# Column types the test's queries return (each query casts to one of them).
INTN, BITN, NVARCHAR = 0x26, 0x68, 0xE7
INT1, INT2, INT4, INT8, BIT = 0x30, 0x34, 0x38, 0x7F, 0x32
FIXED_SIZES = {INT1: 1, INT2: 2, INT4: 4, INT8: 8, BIT: 1}


class TdsError(Exception):
    """The peer did not answer as MS-TDS says (or announced more than is allowed)."""


class TooLarge(TdsError):
    pass


class Malformed(TdsError):
    pass


class Channel:
    """Bytes to and from the peer; :class:`DeadlineSocket` and TLS in TDS both fit."""

    def sendall(self, data: bytes) -> None:
        raise NotImplementedError

    def recv_some(self, limit: int) -> bytes:
        raise NotImplementedError


class SocketChannel(Channel):
    def __init__(self, wire: Any) -> None:
        self.wire = wire

    def sendall(self, data: bytes) -> None:
        self.wire.sendall(data)

    def recv_some(self, limit: int) -> bytes:
        return bytes(self.wire.recv_some(limit))


class Reader:
    """Exact reads from a channel, through a small buffer."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.buffer = bytearray()

    def exact(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self.buffer += self.channel.recv_some(max(size - len(self.buffer), 4096))
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


class PacketLayer:
    """TDS packets over a channel: messages split into packets and joined again."""

    def __init__(self, channel: Channel, *, max_message: int = MAX_MESSAGE_BYTES) -> None:
        self.channel = channel
        self.reader = Reader(channel)
        self.max_message = max_message
        self.packet_size = PACKET_SIZE

    def use(self, channel: Channel) -> None:
        self.channel = channel
        self.reader = Reader(channel)

    def send(self, packet_type: int, payload: bytes) -> None:
        room = self.packet_size - HEADER.size
        chunks = [payload[i : i + room] for i in range(0, len(payload), room)] or [b""]
        out = bytearray()
        for number, chunk in enumerate(chunks, start=1):
            status = EOM if number == len(chunks) else 0
            out += HEADER.pack(packet_type, status, len(chunk) + HEADER.size, 0, number % 256, 0)
            out += chunk
        self.channel.sendall(bytes(out))

    def receive(self, expected: int) -> bytes:
        """One whole message of type ``expected``; bounded by :attr:`max_message`."""
        message = bytearray()
        while True:
            header = self.reader.exact(HEADER.size)
            packet_type, status, length, _spid, _number, _window = HEADER.unpack(header)
            if packet_type != expected:
                raise Malformed(
                    f"expected a TDS packet of type 0x{expected:02X}, got 0x{packet_type:02X} "
                    f"(first bytes {header.hex(' ')}): this is not a SQL Server TDS answer"
                )
            if length < HEADER.size:
                raise Malformed(f"a TDS packet announced a length of {length} bytes")
            if length > MAX_PACKET_BYTES:
                raise TooLarge(
                    f"a TDS packet announced {length} bytes, more than {MAX_PACKET_BYTES}"
                )
            if len(message) + length - HEADER.size > self.max_message:
                raise TooLarge(
                    f"the server's answer went past {self.max_message} bytes without ending "
                    "(no end-of-message packet): not read further"
                )
            message += self.reader.exact(length - HEADER.size)
            if status & EOM:
                return bytes(message)


# -- pre-login -------------------------------------------------------------------------


@dataclass(frozen=True)
class PreLogin:
    version: tuple[int, int, int, int] | None
    encryption: int | None
    mars: int | None = None

    @property
    def version_text(self) -> str:
        if self.version is None:
            return "not sent"
        return ".".join(str(part) for part in self.version)


def prelogin_payload(encryption: int) -> bytes:
    options = [
        (PL_VERSION, bytes([0, 0, 0, 0, 0, 0])),
        (PL_ENCRYPTION, bytes([encryption])),
        (PL_INSTOPT, b"\x00"),
        (PL_THREADID, struct.pack(">I", os.getpid() & 0xFFFFFFFF)),
        (PL_MARS, b"\x00"),
    ]
    offset = len(options) * 5 + 1
    head, data = bytearray(), bytearray()
    for token, value in options:
        head += struct.pack(">BHH", token, offset + len(data), len(value))
        data += value
    return bytes(head + b"\xff" + data)


def parse_prelogin(payload: bytes) -> PreLogin:
    values: dict[int, bytes] = {}
    i = 0
    while True:
        if i >= len(payload):
            raise Malformed("the pre-login answer has no terminator (0xFF)")
        token = payload[i]
        if token == PL_TERMINATOR:
            break
        if i + 5 > len(payload):
            raise Malformed("the pre-login answer ends inside an option")
        offset, length = struct.unpack_from(">HH", payload, i + 1)
        if offset + length > len(payload):
            raise Malformed(
                f"pre-login option {token} points at bytes {offset}..{offset + length}, "
                f"past the {len(payload)} bytes sent"
            )
        values[token] = payload[offset : offset + length]
        i += 5
    version = None
    raw = values.get(PL_VERSION)
    if raw is not None and len(raw) >= 6:
        version = (
            raw[0],
            raw[1],
            struct.unpack(">H", raw[2:4])[0],
            struct.unpack(">H", raw[4:6])[0],
        )
    encryption = values.get(PL_ENCRYPTION)
    mars = values.get(PL_MARS)
    return PreLogin(
        version=version,
        encryption=encryption[0] if encryption else None,
        mars=mars[0] if mars else None,
    )


# -- TLS inside pre-login packets --------------------------------------------------------


class TlsInPrelogin(Channel):
    """TLS whose handshake travels in PRELOGIN packets (TDS 7.x); after the handshake the
    TLS records go on the wire as they are."""

    def __init__(self, packets: PacketLayer, ctx: ssl.SSLContext, server_hostname: str) -> None:
        self.packets = packets
        self.raw = packets.channel
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_hostname=server_hostname)

    def handshake(self) -> None:
        while True:
            try:
                self.tls.do_handshake()
            except ssl.SSLWantReadError:
                self._flush_in_prelogin()
                self.incoming.write(self.packets.receive(PRELOGIN))
                continue
            break
        self._flush_in_prelogin()

    def _flush_in_prelogin(self) -> None:
        pending = self.outgoing.read()
        if pending:
            self.packets.send(PRELOGIN, pending)

    def sendall(self, data: bytes) -> None:
        self.tls.write(data)
        self.raw.sendall(self.outgoing.read())

    def recv_some(self, limit: int) -> bytes:
        while True:
            try:
                return self.tls.read(limit)
            except ssl.SSLWantReadError:
                self.incoming.write(self.raw.recv_some(16384))

    def peer_certificate(self) -> bytes | None:
        return self.tls.getpeercert(binary_form=True)

    @property
    def version(self) -> str:
        return self.tls.version() or "?"

    @property
    def cipher(self) -> str:
        return (self.tls.cipher() or ("?",))[0]


# -- LOGIN7 ----------------------------------------------------------------------------


def obfuscate(password: str) -> bytes:
    """MS-TDS 2.2.6.4: each byte of the UTF-16LE password, nibbles swapped, XOR 0xA5."""
    return bytes((((b << 4) & 0xF0) | (b >> 4)) ^ 0xA5 for b in password.encode("utf-16-le"))


def login7_payload(
    *,
    user: str,
    password: str,
    database: str,
    server: str,
    app: str = "Linkwright connection test",
    host: str = "linkwright",
    packet_size: int = PACKET_SIZE,
) -> bytes:
    fixed = 94
    fields = [
        host.encode("utf-16-le"),
        user.encode("utf-16-le"),
        obfuscate(password),
        app.encode("utf-16-le"),
        server.encode("utf-16-le"),
        b"",  # extension
        "Linkwright".encode("utf-16-le"),  # client interface name
        b"",  # language
        database.encode("utf-16-le"),
    ]
    offsets = bytearray()
    data = bytearray()
    for value in fields:
        offsets += struct.pack("<HH", fixed + len(data), len(value) // 2)
        data += value
    tail = b"\x00" * 6  # client ID
    tail += struct.pack("<HH", fixed + len(data), 0)  # SSPI
    tail += struct.pack("<HH", fixed + len(data), 0)  # attach DB file
    tail += struct.pack("<HH", fixed + len(data), 0)  # change password
    tail += struct.pack("<I", 0)  # SSPI long
    head = struct.pack(
        "<IIIIIIBBBBiI",
        0,  # length, filled below
        TDS_74,
        packet_size,
        0x07000000,  # client program version
        os.getpid() & 0xFFFFFFFF,
        0,  # connection id
        0xE0,  # OptionFlags1: USE_DB_ON, INIT_DB_FATAL, SET_LANG_ON
        0x03,  # OptionFlags2: INIT_LANG_FATAL, ODBC_ON
        0x00,  # TypeFlags
        0x00,  # OptionFlags3
        0,  # time zone
        0x0409,  # LCID
    )
    body = bytearray(head + offsets + tail + data)
    assert len(head + offsets + tail) == fixed
    struct.pack_into("<I", body, 0, len(body))
    return bytes(body)


def sql_batch_payload(sql: str) -> bytes:
    # ALL_HEADERS with the transaction descriptor header (required since TDS 7.2).
    headers = struct.pack("<IIHQI", 22, 18, 2, 0, 1)
    return headers + sql.encode("utf-16-le")


# -- tokens ----------------------------------------------------------------------------


@dataclass
class ServerMessage:
    number: int
    state: int
    severity: int
    text: str
    server: str
    is_error: bool


@dataclass
class LoginAck:
    tds_version: int
    program: str
    version: tuple[int, int, int]


@dataclass
class Column:
    name: str
    type: int


@dataclass
class Reply:
    messages: list[ServerMessage] = field(default_factory=list)
    login_ack: LoginAck | None = None
    columns: list[Column] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    env: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[ServerMessage]:
        return [m for m in self.messages if m.is_error]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, size: int, what: str) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise TooLarge(
                f"the {what} announces {size} bytes but only {len(self.data) - self.at} "
                "remain in the answer: not read"
            )
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def u16(self, what: str) -> int:
        return int(struct.unpack("<H", self.take(2, what))[0])

    def u32(self, what: str) -> int:
        return int(struct.unpack("<I", self.take(4, what))[0])

    def b_varchar(self, what: str) -> str:
        return self._text(self.u8(what) * 2, what)

    def us_varchar(self, what: str) -> str:
        return self._text(self.u16(what) * 2, what)

    def _text(self, size: int, what: str) -> str:
        try:
            return self.take(size, what).decode("utf-16-le")
        except UnicodeDecodeError as exc:
            raise Malformed(f"the {what} is not UTF-16 text") from exc

    @property
    def done(self) -> bool:
        return self.at >= len(self.data)


def parse_tokens(data: bytes) -> Reply:
    reply = Reply()
    cur = _Cursor(data)
    while not cur.done:
        token = cur.u8("token")
        if token in (TOKEN_ERROR, TOKEN_INFO):
            body = _Cursor(cur.take(cur.u16("message token length"), "message token"))
            number = body.u32("message number")
            state = body.u8("message state")
            severity = body.u8("message class")
            text = body.us_varchar("message text")
            server = body.b_varchar("server name")
            reply.messages.append(
                ServerMessage(number, state, severity, text, server, token == TOKEN_ERROR)
            )
        elif token == TOKEN_LOGINACK:
            body = _Cursor(cur.take(cur.u16("LOGINACK length"), "LOGINACK"))
            body.u8("LOGINACK interface")
            tds_version = int(struct.unpack(">I", body.take(4, "LOGINACK TDS version"))[0])
            program = body.b_varchar("LOGINACK program name")
            raw = body.take(4, "LOGINACK program version")
            reply.login_ack = LoginAck(
                tds_version, program, (raw[0], raw[1], raw[2] * 256 + raw[3])
            )
        elif token == TOKEN_ENVCHANGE:
            body = _Cursor(cur.take(cur.u16("ENVCHANGE length"), "ENVCHANGE"))
            kind = body.u8("ENVCHANGE type")
            if kind in (1, 2, 3, 4, 5, 6):  # database, language, charset, packet size...
                new, old = body.b_varchar("ENVCHANGE value"), body.b_varchar("ENVCHANGE value")
                reply.env.append((kind, new, old))
        elif token in (TOKEN_DONE, TOKEN_DONEPROC, TOKEN_DONEINPROC):
            cur.take(12, "DONE token")
        elif token in (TOKEN_ORDER, TOKEN_SESSIONSTATE, TOKEN_FEDAUTHINFO):
            size = cur.u16("token length") if token == TOKEN_ORDER else cur.u32("token length")
            cur.take(size, f"token 0x{token:02X}")
        elif token == TOKEN_RETURNSTATUS:
            cur.take(4, "RETURNSTATUS")
        elif token == TOKEN_FEATUREEXTACK:
            while True:
                feature = cur.u8("FEATUREEXTACK feature")
                if feature == 0xFF:
                    break
                cur.take(cur.u32("FEATUREEXTACK length"), "FEATUREEXTACK data")
        elif token == TOKEN_COLMETADATA:
            reply.columns = _columns(cur)
        elif token in (TOKEN_ROW, TOKEN_NBCROW):
            reply.rows.append(_row(cur, reply.columns, nbc=token == TOKEN_NBCROW))
        else:
            raise Malformed(f"unknown TDS token 0x{token:02X} at byte {cur.at - 1} of the answer")
    return reply


def _columns(cur: _Cursor) -> list[Column]:
    count = cur.u16("COLMETADATA count")
    if count == 0xFFFF:
        return []
    columns = []
    for _ in range(count):
        cur.take(4, "column user type")
        cur.take(2, "column flags")
        kind = cur.u8("column type")
        if kind in (INTN, BITN):
            cur.u8("column length")
        elif kind == NVARCHAR:
            cur.take(2 + 5, "NVARCHAR length and collation")
        elif kind not in FIXED_SIZES:
            raise Malformed(f"the server returned a column of TDS type 0x{kind:02X}")
        columns.append(Column(cur.b_varchar("column name"), kind))
    return columns


def _row(cur: _Cursor, columns: list[Column], *, nbc: bool) -> list[Any]:
    nulls = b""
    if nbc:
        nulls = cur.take((len(columns) + 7) // 8, "NBCROW null bitmap")
    values: list[Any] = []
    for index, column in enumerate(columns):
        if nbc and nulls[index // 8] & (1 << (index % 8)):
            values.append(None)
            continue
        if column.type in FIXED_SIZES:
            raw = cur.take(FIXED_SIZES[column.type], "column value")
            values.append(int.from_bytes(raw, "little", signed=column.type != INT1))
        elif column.type in (INTN, BITN):
            size = cur.u8("column value length")
            values.append(
                None
                if size == 0
                else int.from_bytes(cur.take(size, "value"), "little", signed=True)
            )
        else:
            size = cur.u16("NVARCHAR length")
            values.append(None if size == 0xFFFF else cur._text(size, "NVARCHAR value"))
    return values


Send = Callable[[int, bytes], None]
