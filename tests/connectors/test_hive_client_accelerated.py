"""The HiveServer2 client encodes its requests and decodes the replies with thrift's C
extension (fastbinary), whatever transport it is given, with its string limit kept."""

from __future__ import annotations

import io

import pytest
from thrift.protocol.TBinaryProtocol import TBinaryProtocol
from thrift.Thrift import TMessageType
from thrift.transport.TTransport import TMemoryBuffer, TTransportBase

from connectors.hiveserver2.client import HiveClient, OpenedSession
from connectors.hiveserver2.errors import FrameTooLarge
from connectors.hiveserver2.gen.TCLIService import TCLIService
from connectors.hiveserver2.gen.TCLIService import ttypes as t

pytest.importorskip("thrift.protocol.fastbinary")


class Canned(TTransportBase):
    """Keeps what is written; reads back one canned reply."""

    def __init__(self, reply: bytes) -> None:
        self.sent = bytearray()
        self.reply = io.BytesIO(reply)

    def isOpen(self) -> bool:  # noqa: N802 - thrift's name
        return True

    def write(self, buf: bytes) -> None:
        self.sent += buf

    def flush(self) -> None:
        pass

    def read(self, sz: int) -> bytes:
        return self.reply.read(sz)


def get_info_reply(value: str) -> bytes:
    buffer = TMemoryBuffer()
    protocol = TBinaryProtocol(buffer, strictWrite=True)
    protocol.writeMessageBegin("GetInfo", TMessageType.REPLY, 0)
    resp = t.TGetInfoResp(
        status=t.TStatus(statusCode=t.TStatusCode.SUCCESS_STATUS),
        infoValue=t.TGetInfoValue(stringValue=value),
    )
    TCLIService.GetInfo_result(success=resp).write(protocol)
    protocol.writeMessageEnd()
    return buffer.getvalue()


def client_counting(reply: bytes, *, max_string_bytes: int) -> tuple[HiveClient, list[str]]:
    client = HiveClient(Canned(reply), max_string_bytes=max_string_bytes)
    handle = t.TSessionHandle(t.THandleIdentifier(guid=b"g" * 16, secret=b"s" * 16))
    client.session = OpenedSession(handle, t.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10)
    used: list[str] = []
    protocol = client._client._iprot  # noqa: SLF001 - what the generated code calls
    decode, encode = protocol._fast_decode, protocol._fast_encode  # noqa: SLF001

    def decoding(*args: object) -> object:
        used.append("decode")
        return decode(*args)

    def encoding(*args: object) -> object:
        used.append("encode")
        return encode(*args)

    protocol._fast_decode, protocol._fast_encode = decoding, encoding  # noqa: SLF001
    return client, used


def test_requests_and_replies_go_through_the_c_extension() -> None:
    client, used = client_counting(get_info_reply("Spark SQL"), max_string_bytes=1 << 20)
    assert client.get_info(t.TGetInfoType.CLI_SERVER_NAME) == "Spark SQL"
    assert used == ["encode", "decode"]


def test_the_c_extension_keeps_the_string_limit() -> None:
    client, used = client_counting(get_info_reply("x" * 200), max_string_bytes=100)
    with pytest.raises(FrameTooLarge, match="100-byte cap"):
        client.get_info(t.TGetInfoType.CLI_SERVER_NAME)
    assert used == ["encode", "decode"]
