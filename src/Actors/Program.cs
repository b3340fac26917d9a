Console.WriteLine("asrnn-grid");
