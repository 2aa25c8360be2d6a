using System.Buffers.Binary;
using System.Text;

namespace Syncwarden.Power;

/// <summary>
/// Reads open login sessions from utmp (<c>/var/run/utmp</c>), the file login, sshd and terminal emulators
/// record sessions in and <c>who</c> prints. Parsed here rather than by running <c>who</c>: no child
/// process, and the record's pid lets us drop entries left behind by a crashed session.
/// </summary>
public sealed class UtmpSessionSource(string path = UtmpSessionSource.DefaultPath, Func<int, bool>? isProcessAlive = null) : IUserSessionSource
{
    public const string DefaultPath = "/var/run/utmp";

    // struct utmp from glibc on x86_64 (and aarch64): fixed 384-byte records.
    internal const int RecordSize = 384;
    private const short UserProcess = 7;
    private const int TypeOffset = 0;
    private const int PidOffset = 4;
    private const int LineOffset = 8, LineLength = 32;
    private const int UserOffset = 44, UserLength = 32;
    private const int HostOffset = 76, HostLength = 256;
    private const int TimeSecondsOffset = 340;

    private readonly Func<int, bool> _isProcessAlive = isProcessAlive ?? Processes.ProcessRunner.IsAlive;

    public string Path { get; } = path;

    /// <summary>USER_PROCESS records whose process is still alive. A missing utmp file means no sessions are recorded.</summary>
    public async Task<IReadOnlyList<UserSession>> GetSessionsAsync(CancellationToken cancellationToken = default)
    {
        byte[] data;
        try
        {
            data = await File.ReadAllBytesAsync(Path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        return Parse(data).Where(s => _isProcessAlive(s.ProcessId)).ToList();
    }

    /// <summary>Every USER_PROCESS record in <paramref name="data"/>; a trailing partial record (being written) is ignored.</summary>
    public static IReadOnlyList<UserSession> Parse(ReadOnlySpan<byte> data)
    {
        var sessions = new List<UserSession>();
        for (var offset = 0; offset + RecordSize <= data.Length; offset += RecordSize)
        {
            var record = data.Slice(offset, RecordSize);
            if (BinaryPrimitives.ReadInt16LittleEndian(record[TypeOffset..]) != UserProcess)
            {
                continue;
            }
            var pid = BinaryPrimitives.ReadInt32LittleEndian(record[PidOffset..]);
            var seconds = BinaryPrimitives.ReadInt32LittleEndian(record[TimeSecondsOffset..]);
            var host = CString(record.Slice(HostOffset, HostLength));
            sessions.Add(new UserSession(
                CString(record.Slice(UserOffset, UserLength)),
                CString(record.Slice(LineOffset, LineLength)),
                host.Length == 0 ? null : host,
                pid,
                DateTimeOffset.FromUnixTimeSeconds(seconds)));
        }
        return sessions;
    }

    /// <summary>Builds one record (for tests and for writing fixtures).</summary>
    internal static byte[] Encode(short type, int pid, string line, string user, string host, DateTimeOffset time)
    {
        var record = new byte[RecordSize];
        BinaryPrimitives.WriteInt16LittleEndian(record.AsSpan(TypeOffset), type);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(PidOffset), pid);
        Encoding.UTF8.GetBytes(line, record.AsSpan(LineOffset, LineLength));
        Encoding.UTF8.GetBytes(user, record.AsSpan(UserOffset, UserLength));
        Encoding.UTF8.GetBytes(host, record.AsSpan(HostOffset, HostLength));
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(TimeSecondsOffset), (int)time.ToUnixTimeSeconds());
        return record;
    }

    // The fields are NUL-padded, and not NUL-terminated when full.
    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }
}
