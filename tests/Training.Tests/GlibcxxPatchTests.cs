using System.Diagnostics;
using System.Text;
using TorchSharp;

namespace AsRnnGrid.Training.Tests;

/// <summary>The build step that lets TorchSharp 0.107 load where libstdc++ lacks GLIBCXX_3.4.32 (build/PatchGlibcxx.targets).</summary>
public class GlibcxxPatchTests
{
    static readonly byte[] Missing = Encoding.ASCII.GetBytes("GLIBCXX_3.4.32\0");

    static bool SystemHasVersion()
    {
        var lib = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        return lib is null || IndexOf(File.ReadAllBytes(lib), Missing) >= 0;
    }

    static string NuGetCopy()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void TorchSharp_loads_and_computes_in_this_build_output()
    {
        using var a = torch.tensor(new double[] { 0, 1, -1, 0 }, 2, 2);
        using var e = torch.linalg.matrix_exp(a);
        Assert.Equal(Math.Cos(1), e[0, 0].item<double>(), 12);
        Assert.Equal(Math.Sin(1), e[0, 1].item<double>(), 12);
    }

    [Fact]
    public void Output_copy_asks_for_no_missing_version_and_the_nuget_cache_is_untouched()
    {
        var output = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(output);
        if (!SystemHasVersion())
            foreach (var path in output)
                Assert.True(VersionNeeds(path).All(v => v != "GLIBCXX_3.4.32"), $"{path} still requires GLIBCXX_3.4.32");
        var cache = NuGetCopy();
        if (File.Exists(cache))
            Assert.Contains("GLIBCXX_3.4.32", VersionNeeds(cache));
    }

    [Fact]
    public void Patch_step_rewrites_exactly_the_one_requirement_with_its_hash()
    {
        var cache = NuGetCopy();
        Assert.True(File.Exists(cache), "TorchSharp's native library is not in the NuGet cache at " + cache);
        var folder = Directory.CreateTempSubdirectory("glibcxx-").FullName;
        try
        {
            var copy = Path.Combine(folder, "libLibTorchSharp.so");
            File.Copy(cache, copy);
            var before = VersionNeedEntries(copy);
            var psi = new ProcessStartInfo("dotnet", ["msbuild", Path.Combine(RepositoryPaths.Root, "build", "PatchGlibcxx.targets"),
                "-t:PatchGlibcxxFolder", $"-p:GlibcxxFolder={folder}", "-p:GlibcxxForce=true", "-nologo", "-v:q"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            var log = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, log);
            var after = VersionNeedEntries(copy);
            Assert.Equal(before.Count, after.Count);
            var changed = before.Zip(after).Where(p => p.First != p.Second).ToList();
            var (old, patched) = Assert.Single(changed);
            Assert.Equal(("GLIBCXX_3.4.32", ElfHash("GLIBCXX_3.4.32")), (old.Name, old.Hash));
            Assert.Equal(("GLIBCXX_3.4.21", ElfHash("GLIBCXX_3.4.21")), (patched.Name, patched.Hash));
            Assert.Equal(new FileInfo(cache).Length, new FileInfo(copy).Length);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    static List<string> VersionNeeds(string path) => VersionNeedEntries(path).Select(e => e.Name).ToList();

    /// <summary>The (name, hash) of every auxiliary entry of .gnu.version_r, read straight from the ELF file.</summary>
    static List<(string Name, uint Hash)> VersionNeedEntries(string path)
    {
        var elf = File.ReadAllBytes(path);
        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        var entries = new List<(string, uint)>();
        for (int i = 0; i < shnum; i++)
        {
            int sh = (int)(shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != 0x6ffffffe) continue;
            int offset = (int)BitConverter.ToUInt64(elf, sh + 24);
            int strtab = (int)BitConverter.ToUInt64(elf, (int)(shoff + BitConverter.ToUInt32(elf, sh + 40) * shentsize) + 24);
            int count = (int)BitConverter.ToUInt32(elf, sh + 44), need = offset;
            for (int n = 0; n < count; n++)
            {
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = 0; a < BitConverter.ToUInt16(elf, need + 2); a++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8), end = name;
                    while (elf[end] != 0) end++;
                    entries.Add((Encoding.ASCII.GetString(elf, name, end - name), BitConverter.ToUInt32(elf, aux)));
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }
        return entries;
    }

    static uint ElfHash(string s)
    {
        uint h = 0;
        foreach (char c in s)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i <= hay.Length - needle.Length; i++)
            if (hay.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
