/** Fixed vocabularies of the demo data: Nigerian names, phone prefixes, branches, verticals and holidays. */

export const FIRST_NAMES: readonly string[] = [
  // Yoruba
  'Adebayo', 'Adeola', 'Adewale', 'Ayodele', 'Babatunde', 'Bolanle', 'Damilola', 'Folake', 'Funmilayo', 'Gbenga',
  'Kehinde', 'Taiwo', 'Olumide', 'Oluwaseun', 'Temitope', 'Tunde', 'Yetunde', 'Bukola', 'Kunle', 'Morenike',
  'Abiodun', 'Titilayo', 'Segun', 'Wuraola', 'Opeyemi', 'Iyabo', 'Jumoke', 'Lanre', 'Remi', 'Sola',
  // Igbo
  'Chinedu', 'Chioma', 'Chukwuemeka', 'Ngozi', 'Obinna', 'Nkechi', 'Ifeanyi', 'Adaeze', 'Uchenna', 'Amaka',
  'Ikechukwu', 'Chiamaka', 'Emeka', 'Ebere', 'Kelechi', 'Nneka', 'Onyeka', 'Chidinma', 'Nnamdi', 'Ogechi',
  // Hausa / Fulani
  'Abubakar', 'Aisha', 'Bello', 'Fatima', 'Ibrahim', 'Hauwa', 'Musa', 'Zainab', 'Sani', 'Amina',
  'Usman', 'Hadiza', 'Yusuf', 'Halima', 'Aliyu', 'Maryam', 'Garba', 'Rukayya', 'Nasiru', 'Safiya',
  // Others
  'Efe', 'Osagie', 'Ese', 'Ekaette', 'Ini', 'Tamuno', 'Ebiere', 'Oghenekaro', 'Mfon', 'Tari',
];

export const LAST_NAMES: readonly string[] = [
  'Adeyemi', 'Ogunleye', 'Okonkwo', 'Balogun', 'Adebayo', 'Olawale', 'Afolabi', 'Oyelaran', 'Akinola', 'Bakare',
  'Adeleke', 'Ogundipe', 'Oladipo', 'Fashola', 'Ojo', 'Alabi', 'Salami', 'Lawal', 'Adekunle', 'Olatunji',
  'Okafor', 'Nwosu', 'Eze', 'Obi', 'Okeke', 'Nwachukwu', 'Onyekachi', 'Chukwu', 'Umeh', 'Anyanwu',
  'Ibe', 'Nnadi', 'Okoro', 'Agu', 'Uzor', 'Ezeh', 'Obiora', 'Nwankwo', 'Ugwu', 'Onuoha',
  'Abdullahi', 'Bello', 'Mohammed', 'Suleiman', 'Yakubu', 'Danjuma', 'Garba', 'Usman', 'Aliyu', 'Ibrahim',
  'Musa', 'Shehu', 'Lawan', 'Tanko', 'Sani', 'Idris', 'Kabiru', 'Audu', 'Haruna', 'Bala',
  'Edet', 'Bassey', 'Etim', 'Okon', 'Ekpo', 'Omoregie', 'Igbinedion', 'Osagie', 'Oghene', 'Ebiye',
];

/** Mobile number prefixes (MTN, Glo, Airtel, 9mobile) in local 11-digit form. */
export const PHONE_PREFIXES: readonly string[] = [
  '0803', '0806', '0813', '0816', '0810', '0814', '0903', '0906', '0703', '0706',
  '0805', '0807', '0815', '0811', '0905', '0705',
  '0802', '0808', '0812', '0701', '0902', '0901', '0708',
  '0809', '0817', '0818', '0909',
];

export interface Branch {
  /** Branch (sub-location) name as the hierarchy sheet writes it. */
  name: string;
  /** State as it appears in Django's user_branch text (drives the fallback region: Lagos, Abuja, Ogun, Oyo). */
  state: string;
  /** Sales vertical the branch belongs to. */
  vertical: string;
}

/** The 13 gem-named sales verticals ("regions") of the curated hierarchy. */
export const VERTICALS: readonly string[] = [
  'Crystal', 'Emerald', 'Garnet', 'Hilander', 'Jade', 'Opal', 'Ruby', 'Sapphire', 'Topaz', 'Wealth',
  'Key Accounts 1', 'Key Accounts 2', 'Key Account 3',
];

const B = (name: string, state: string, vertical: string): Branch => ({ name, state, vertical });

/** 44 branches. */
export const BRANCHES: readonly Branch[] = [
  B('YABA', 'Lagos', 'Crystal'), B('SURULERE', 'Lagos', 'Crystal'), B('MUSHIN', 'Lagos', 'Crystal'), B('OSHODI', 'Lagos', 'Crystal'),
  B('EPE', 'Lagos', 'Emerald'), B('IKORODU', 'Lagos', 'Emerald'), B('AGRIC', 'Lagos', 'Emerald'), B('MILE 12', 'Lagos', 'Emerald'),
  B('AGEGE', 'Lagos', 'Garnet'), B('IKEJA', 'Lagos', 'Garnet'), B('OGBA', 'Lagos', 'Garnet'), B('OJODU', 'Lagos', 'Garnet'),
  B('AJAH', 'Lagos', 'Hilander'), B('LEKKI', 'Lagos', 'Hilander'), B('SANGOTEDO', 'Lagos', 'Hilander'), B('OBALENDE', 'Lagos', 'Hilander'),
  B('IKOTUN', 'Lagos', 'Jade'), B('EGBEDA', 'Lagos', 'Jade'), B('IYANA IPAJA', 'Lagos', 'Jade'), B('ALIMOSHO', 'Lagos', 'Jade'),
  B('FESTAC', 'Lagos', 'Opal'), B('OJO', 'Lagos', 'Opal'), B('BADAGRY', 'Lagos', 'Opal'), B('ISOLO', 'Lagos', 'Opal'),
  B('SANGO OTA', 'Ogun', 'Ruby'), B('ABEOKUTA', 'Ogun', 'Ruby'), B('IFO', 'Ogun', 'Ruby'), B('MOWE', 'Ogun', 'Ruby'),
  B('IBADAN', 'Oyo', 'Sapphire'), B('OGBOMOSO', 'Oyo', 'Sapphire'), B('OYO', 'Oyo', 'Sapphire'), B('SAKI', 'Oyo', 'Sapphire'),
  B('WUSE', 'Abuja', 'Topaz'), B('KUBWA', 'Abuja', 'Topaz'), B('NYANYA', 'Abuja', 'Topaz'), B('GWAGWALADA', 'Abuja', 'Topaz'),
  B('VICTORIA ISLAND', 'Lagos', 'Wealth'), B('IKOYI', 'Lagos', 'Wealth'), B('MARYLAND', 'Lagos', 'Wealth'),
  B('APAPA', 'Lagos', 'Key Accounts 1'), B('MARINA', 'Lagos', 'Key Accounts 1'),
  B('GBAGADA', 'Lagos', 'Key Accounts 2'), B('KETU', 'Lagos', 'Key Accounts 2'),
  B('ASOKORO', 'Abuja', 'Key Account 3'),
];

export const STATES_AND_LGAS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Lagos', ['Alimosho', 'Ikeja', 'Surulere', 'Mushin', 'Oshodi-Isolo', 'Epe', 'Ikorodu', 'Eti-Osa', 'Ojo', 'Badagry', 'Agege', 'Kosofe']],
  ['Ogun', ['Abeokuta South', 'Ado-Odo/Ota', 'Ifo', 'Obafemi Owode', 'Sagamu']],
  ['Oyo', ['Ibadan North', 'Ibadan South-West', 'Ogbomosho North', 'Oyo East', 'Saki West']],
  ['FCT', ['Abuja Municipal', 'Bwari', 'Gwagwalada', 'Kuje']],
  ['Kano', ['Nassarawa', 'Fagge']],
  ['Rivers', ['Port Harcourt', 'Obio-Akpor']],
];

export const STREETS: readonly string[] = [
  'Herbert Macaulay Way', 'Ikorodu Road', 'Agege Motor Road', 'Awolowo Road', 'Allen Avenue', 'Ojuelegba Road',
  'Adeniran Ogunsanya Street', 'Lagos-Abeokuta Expressway', 'Oba Akran Avenue', 'Bode Thomas Street',
  'Aminu Kano Crescent', 'Ring Road', 'Market Street', 'Church Street', 'Mosque Road', 'Station Road',
];

/** Public holidays observed by the company, as (month, day, name); moveable feasts come from EASTER_AND_EID. */
export const FIXED_HOLIDAYS: ReadonlyArray<readonly [number, number, string]> = [
  [1, 1, "New Year's Day"],
  [5, 1, "Workers' Day"],
  [6, 12, 'Democracy Day'],
  [10, 1, 'Independence Day'],
  [12, 25, 'Christmas Day'],
  [12, 26, 'Boxing Day'],
];

/** Approximate dates of the moveable public holidays by year. */
export const MOVEABLE_HOLIDAYS: ReadonlyArray<readonly [string, string]> = [
  ['2024-03-29', 'Good Friday'], ['2024-04-01', 'Easter Monday'], ['2024-04-10', 'Eid-el-Fitr'], ['2024-06-17', 'Eid-el-Kabir'], ['2024-09-16', 'Id-el-Maulud'],
  ['2025-03-31', 'Eid-el-Fitr'], ['2025-04-18', 'Good Friday'], ['2025-04-21', 'Easter Monday'], ['2025-06-06', 'Eid-el-Kabir'], ['2025-09-05', 'Id-el-Maulud'],
  ['2026-03-20', 'Eid-el-Fitr'], ['2026-04-03', 'Good Friday'], ['2026-04-06', 'Easter Monday'], ['2026-05-27', 'Eid-el-Kabir'], ['2026-08-26', 'Id-el-Maulud'],
  ['2027-03-10', 'Eid-el-Fitr'], ['2027-03-26', 'Good Friday'], ['2027-03-29', 'Easter Monday'], ['2027-05-17', 'Eid-el-Kabir'], ['2027-08-15', 'Id-el-Maulud'],
];

export const LEAVE_NAMES: readonly string[] = ['Annual leave', 'Sick leave', 'Casual leave', 'Compassionate leave', 'Study leave', 'Maternity leave'];

/** Officer population of DOMAIN.md §7 (active users by user type; null = no type). */
export const USER_TYPE_MIX: ReadonlyArray<readonly [string | null, number]> = [
  ['lite', 1788],
  ['MERCHANT', 829],
  ['LOTTO_AGENT', 421],
  ['STAFF_AGENT', 350],
  ['PERSONAL', 275],
  ['AGENT', 251],
  ['AJO_AGENT', 67],
  ['DMO_AGENT', 16],
  ['LIBERTY_RETAIL', 14],
  ['PHARMACIST', 9],
  ['MERCHANT_AGENT', 9],
  ['PROSPER_AGENT', 4],
  ['MICRO_SAVER', 1],
  // Not in the §7 counts but a real type: collections staff, hidden from the dashboard.
  ['RECOVERY_AGENT', 3],
  ['KEY_ACCOUNT', 2],
  [null, 2744],
];
