// Passwords that head every published breach list (NIST 800-63B: refuse them on set and change, P4).
// Compared after canonicalisation, so case and width variants are refused too. A short built-in list;
// the policy check is the seam where a larger corpus plugs in.

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '000000', '00000000', '111111', '11111111', '112233', '11223344', '121212', '12121212', '123123', '123321',
  '12341234', '12345', '123456', '1234567', '12345678', '123456789', '1234567890', '12345678910',
  '123456789a', '1234abcd', '1234qwer', '123qwe', '12qwaszx', '131313', '147258369', '159357', '159753',
  '1password', '1q2w3e', '1q2w3e4r', '1q2w3e4r5t', '1q2w3e4r5t6y', '1qaz2wsx', '1qazxsw2', '22222222',
  '55555555', '654321', '666666', '77777777', '789456123', '88888888', '987654', '987654321', '99999999',
  'a123456789', 'a1b2c3d4', 'aa123456', 'aaaaaa', 'aaaaaaaa', 'abc123', 'abc12345', 'abcd1234', 'abcdef',
  'abcdef123', 'abcdefgh', 'access', 'access14', 'admin', 'admin123', 'administrator', 'angel', 'angel123',
  'apple123', 'arsenal', 'asdf1234', 'asdfghjk', 'asdfghjkl', 'autumn', 'azerty', 'azerty123', 'azertyuiop',
  'babygirl', 'barcelona', 'baseball', 'basketball', 'batman', 'blink182', 'bonjour', 'changeme', 'changeme1',
  'changeme123', 'charlie', 'chelsea', 'chocolate', 'chouchou', 'computer', 'contrasena', 'contraseña',
  'cookie', 'default', 'demo', 'demo123', 'donald', 'doudou', 'dragon', 'facebook', 'flower', 'football',
  'freedom', 'geheim', 'ginger', 'google', 'guest', 'guest123', 'hallo123', 'hello', 'hello123', 'hockey',
  'hottie', 'iloveyou', 'iloveyou1', 'iloveyou2', 'instagram', 'internet', 'iphone', 'jennifer', 'jordan23',
  'juventus', 'killer', 'letmein', 'letmein1', 'letmein123', 'linkedin', 'liverpool', 'login', 'loulou',
  'love123', 'lovely', 'loveme', 'manchester', 'master', 'master123', 'messi', 'michael', 'microsoft',
  'monkey', 'motdepasse', 'mustang', 'mypassword', 'naruto', 'nopassword', 'p@ssw0rd', 'p@ssword', 'passw0rd',
  'password', 'password!', 'password01', 'password1', 'password12', 'password123', 'password2',
  'password2024', 'password2025', 'password2026', 'passwort', 'passwort1', 'pepper', 'pokemon', 'princess',
  'q1w2e3r4', 'q1w2e3r4t5', 'qazwsx', 'qazwsxedc', 'qwer1234', 'qwert12345', 'qwerty', 'qwerty1', 'qwerty123',
  'qwerty12345', 'qwerty2024', 'qwerty2025', 'qwertyuiop', 'realmadrid', 'ronaldo', 'root', 'samsung',
  'secret', 'secret123', 'shadow', 'soccer', 'soleil', 'spring', 'starwars', 'summer', 'summer2024',
  'summer2025', 'summer2026', 'sunshine', 'superman', 'temp', 'temp123', 'temppass', 'test', 'test123',
  'test1234', 'testing', 'testtest', 'toor', 'trustno1', 'twitter', 'user', 'user123', 'wachtwoord',
  'welcome', 'welcome1', 'welcome123', 'welkom', 'welkom01', 'whatever', 'winter', 'winter2024', 'winter2025',
  'winter2026', 'yourpassword', 'youtube', 'zaq12wsx', 'zaq1zaq1', 'zxcvbnm', 'zxcvbnm1',
]);
