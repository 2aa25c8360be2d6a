using System.Globalization;

namespace Syncwarden;

/// <summary>Sizes for people: "512 B", "3.4 MiB".</summary>
public static class ByteSize
{
    public static string Format(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var i = 0;
        while (Math.Abs(bytes) >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }
        return i == 0 ? $"{bytes:0} {units[i]}" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {units[i]}");
    }
}
