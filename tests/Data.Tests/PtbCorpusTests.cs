namespace AsRnnGrid.Data.Tests;

/// <summary>The PTB character format on small files written here; the real files' tests are in <see cref="PtbRealFilesTests"/>.</summary>
public class PtbCorpusTests
{
    /// <summary>Writes train, valid and test (each given as its lines) into <paramref name="dir"/> under the standard names.</summary>
    static PtbCorpus Write(TempDirectory dir, string train, string valid, string test)
    {
        File.WriteAllText(dir.File(PtbCorpus.TrainFile), train);
        File.WriteAllText(dir.File(PtbCorpus.ValidFile), valid);
        File.WriteAllText(dir.File(PtbCorpus.TestFile), test);
        return PtbCorpus.Load(dir.FullName);
    }

    [Fact]
    public void Ids_follow_first_appearance_over_train_then_each_line_ends_with_eos()
    {
        using var dir = new TempDirectory();
        var corpus = Write(dir, " a _ b\n b _ c\n", " c a\n", " b\n");

        Assert.Equal(["a", "_", "b", "<eos>", "c"], corpus.Vocabulary);
        Assert.Equal([0, 1, 2, 3, 2, 1, 4, 3], corpus.Train);
        Assert.Equal([4, 0, 3], corpus.Valid);
        Assert.Equal([2, 3], corpus.Test);
    }

    [Fact]
    public void Unk_is_five_symbols_and_a_line_of_only_spaces_is_an_eos()
    {
        using var dir = new TempDirectory();
        var corpus = Write(dir, " < u n k > _ N\n \n", " N\n", " _\n");

        Assert.Equal(["<", "u", "n", "k", ">", "_", "N", "<eos>"], corpus.Vocabulary);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 7], corpus.Train);
    }

    [Fact]
    public void Symbols_split_on_any_whitespace_as_pythons_str_split()
    {
        using var dir = new TempDirectory();
        var corpus = Write(dir, "a\tb  c \r\n", "c\n", "b\n");
        Assert.Equal(["a", "b", "c", "<eos>"], corpus.Vocabulary);
    }

    [Fact]
    public void UnknownToken_NamesFileLineAndToken()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File(PtbCorpus.TrainFile), " a b\n");
        File.WriteAllText(dir.File(PtbCorpus.ValidFile), " a\n b a\n a c\n");
        File.WriteAllText(dir.File(PtbCorpus.TestFile), " b\n");

        var e = Assert.Throws<DataFileException>(() => PtbCorpus.Load(dir.FullName));
        Assert.Equal($"{dir.File(PtbCorpus.ValidFile)}:3: token 'c' does not occur in the training file", e.Message);
        Assert.Equal(dir.File(PtbCorpus.ValidFile), e.Path);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void EmptyFile_IsAnError()
    {
        using var dir = new TempDirectory();
        string text = dir.File("text.txt"), empty = dir.File("empty.txt");
        File.WriteAllText(text, " a b\n");
        File.WriteAllText(empty, "");
        var e = Assert.Throws<DataFileException>(() => PtbCorpus.FromFiles(text, empty, text));
        Assert.Equal($"{empty}: empty corpus file: no symbols in 0 lines", e.Message);

        File.WriteAllText(empty, "\n  \n");
        e = Assert.Throws<DataFileException>(() => PtbCorpus.FromFiles(empty, text, text));
        Assert.Equal($"{empty}: empty corpus file: no symbols in 2 lines", e.Message);
    }

    [Fact]
    public void Load_ListsMissingFiles()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File(PtbCorpus.ValidFile), " a\n");
        var e = Assert.Throws<DataFileException>(() => PtbCorpus.Load(dir.FullName));
        Assert.Equal($"{dir.FullName}: missing PTB files: ptb.char.train.txt, ptb.char.test.txt", e.Message);
    }

    [Fact]
    public void The_tests_small_corpus_loads_with_every_valid_and_test_symbol_known_to_train()
    {
        using var dir = new TempDirectory();
        var corpus = PtbCorpus.Load(SmallPtbCorpus.WriteTo(dir.FullName));
        // One token per character and word boundary of each sentence, plus its <eos>.
        static int Tokens(string[] sentences) => sentences.Sum(s => s.Split(' ').Sum(w => w.Length + 1));
        Assert.Equal(Tokens(SmallPtbCorpus.TrainSentences), corpus.Train.Length);
        Assert.Equal(Tokens(SmallPtbCorpus.ValidSentences), corpus.Valid.Length);
        Assert.Equal(Tokens(SmallPtbCorpus.TestSentences), corpus.Test.Length);
        string decoded = string.Join(" ", corpus.Test.Take(12).Select(id => corpus.Vocabulary[id]));
        Assert.Equal("t h e _ f i r m _ s a i", decoded);
        Assert.Contains("<", corpus.Vocabulary);
        Assert.DoesNotContain("<unk>", corpus.Vocabulary);
    }
}
