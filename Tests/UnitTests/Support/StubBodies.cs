using System.Net;
using System.Text;

namespace CircuitDemo.UnitTests.Support;

/// <summary>Response bodies that misbehave after the headers, as real dependencies' do, on a clock the test drives.</summary>
internal static class StubBodies
{
    public const string UserJson = """{"id":"1","name":"Ada","email":"ada@example.com"}""";

    /// <summary>200 headers and the first bytes of the body, then nothing until cancelled.</summary>
    public static HttpResponseMessage Stalling() => Ok(new ScriptedStream(Encoding.UTF8.GetBytes(UserJson)[..10], after: Stall.Forever));

    /// <summary>200 and the whole body, one byte every <paramref name="interval"/> of <paramref name="time"/>.</summary>
    public static HttpResponseMessage Trickling(TimeProvider time, TimeSpan interval, SemaphoreSlim waiting) =>
        Ok(new TricklingStream(Encoding.UTF8.GetBytes(UserJson), time, interval, waiting));

    /// <summary>200 headers and part of the body, then the connection breaks.</summary>
    public static HttpResponseMessage CutOff() => Ok(new ScriptedStream(Encoding.UTF8.GetBytes(UserJson)[..10], after: Stall.Breaks));

    /// <summary>200 with a body of <paramref name="size"/> bytes and no declared length, as a streamed answer has.</summary>
    public static HttpResponseMessage Huge(long size) => Ok(new EndlessStream(size));

    public static HttpResponseMessage Html() =>
        new(HttpStatusCode.OK) { Content = new StringContent("<html><body>502 Bad Gateway</body></html>", Encoding.UTF8, "text/html") };

    private static HttpResponseMessage Ok(Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new("application/json");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private enum Stall { Forever, Breaks }

    private abstract class ReadOnlyStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ScriptedStream(byte[] first, Stall after) : ReadOnlyStream
    {
        private bool _sent;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                first.CopyTo(buffer);
                return first.Length;
            }

            if (after == Stall.Breaks)
            {
                throw new IOException("The response ended prematurely (connection reset by peer).");
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    private sealed class TricklingStream(byte[] body, TimeProvider time, TimeSpan interval, SemaphoreSlim waiting) : ReadOnlyStream
    {
        private int _position;

        public int Sent => _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == body.Length)
            {
                return 0;
            }

            var delay = Task.Delay(interval, time, cancellationToken);
            waiting.Release();
            await delay;
            buffer.Span[0] = body[_position++];
            return 1;
        }
    }

    private sealed class EndlessStream(long size) : ReadOnlyStream
    {
        private long _sent;

        public long Sent => _sent;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var length = (int)Math.Min(buffer.Length, size - _sent);
            buffer.Span[..length].Fill((byte)' ');
            _sent += length;
            return ValueTask.FromResult(length);
        }
    }
}
