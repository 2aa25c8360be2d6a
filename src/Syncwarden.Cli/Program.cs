namespace Syncwarden.Cli;

internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        // The runtime has decoded the program's data by now: its compressed copy is not read again.
        Native.StartupData.Release();
        return CliApp.RunAsync(args);
    }
}
