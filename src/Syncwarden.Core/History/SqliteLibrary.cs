using System.Reflection;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Syncwarden.History;

/// <summary>
/// The SQLite that every connection uses: the system's (Debian's libsqlite3), never a copy shipped beside the binary.
/// The NativeAOT binary has it linked in statically (scripts/publish: DirectPInvoke of "sqlite3" plus libsqlite3.a), so
/// its calls are direct and need no file at run time; the JIT build (dotnet build, the tests) loads libsqlite3.so.0.
/// </summary>
internal static class SqliteLibrary
{
    // Microsoft.Data.Sqlite.Core brings no provider of its own: the one below must be set before the first connection opens.
    private static readonly Lazy<bool> s_loaded = new(Load);

    /// <summary>Sets the SQLite provider once; call before opening a <c>SqliteConnection</c>.</summary>
    public static void EnsureLoaded() => _ = s_loaded.Value;

    private static bool Load()
    {
        NativeLibrary.SetDllImportResolver(typeof(SQLite3Provider_sqlite3).Assembly, Resolve);
        raw.SetProvider(new SQLite3Provider_sqlite3());
        return true;
    }

    // The provider imports "sqlite3", which the runtime would look for as libsqlite3.so: that name only comes with
    // libsqlite3-dev. libsqlite3.so.0 is the runtime library's own name (package libsqlite3-0).
    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == "sqlite3" && NativeLibrary.TryLoad("libsqlite3.so.0", out var handle) ? handle : IntPtr.Zero;
}
