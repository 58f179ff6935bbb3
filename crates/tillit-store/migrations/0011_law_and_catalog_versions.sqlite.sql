UPDATE information_assets
    SET special_categories = trim(replace(',' || special_categories || ',', ',offences,', ','), ',')
    WHERE offences = 1;
