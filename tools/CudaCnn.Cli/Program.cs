Console.WriteLine("cudacnn");
